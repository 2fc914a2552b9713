package io.zktoolkit.config.settings;

import java.util.Objects;

/**
 * One documented settings key: its name, type, default and meaning. The README's key table is
 * checked against these declarations, so a key cannot exist without documentation.
 *
 * @param name the key as written in a properties file
 * @param type how its text is parsed
 * @param defaultText the default as it would be written in a file, or {@code null} for none
 * @param meaning one sentence for the README table
 * @param <T> the parsed type
 */
public record SettingKey<T>(String name, SettingType<T> type, String defaultText, String meaning) {

    /** Validates the declaration. */
    public SettingKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(meaning, "meaning");
    }

    /** Whether values of this key are secrets that must never be shown. */
    public boolean isSecret() {
        return type.isSecret();
    }

    @Override
    public String toString() {
        return name;
    }
}
