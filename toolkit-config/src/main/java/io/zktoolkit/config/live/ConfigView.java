package io.zktoolkit.config.live;

import io.zktoolkit.config.settings.SettingType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Typed, read-only access to configuration values, shared by a single {@link ConfigSnapshot}
 * and a {@link LayeredConfig}. Every getter with a default returns it when the key is absent; a
 * present value of the wrong type is an error naming where it came from, never a silent default.
 */
public interface ConfigView {

    /** The raw stored text of a key, if present. Secret keys yield their ciphertext. */
    Optional<String> find(String key);

    /** Every key present, sorted. */
    java.util.SortedSet<String> keys();

    /**
     * The plain value of a secret key.
     *
     * @throws ConfigValueException when the key is absent or not secret, or the codec's key is wrong
     */
    io.zktoolkit.config.settings.Secret secret(String key, SecretCodec codec);

    /** Where values come from, for error messages, for example "jobs/daily-orders v7". */
    String describeSource();

    /** Whether the key holds a secret, whose value must be read with a key and never shown. */
    boolean isSecret(String key);

    /**
     * Whether the key's value must never be shown: it is secret, or its name says so
     * ({@link io.zktoolkit.config.settings.SecretNames}). A masked plain value is still read as usual.
     */
    default boolean isMasked(String key) {
        return isSecret(key) || io.zktoolkit.config.settings.SecretNames.looksSecret(key);
    }

    /** A typed value, or {@code fallback} when absent. */
    default <T> T get(String key, SettingType<T> type, T fallback) {
        Optional<String> raw = find(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        if (isSecret(key)) {
            throw new ConfigValueException("Key '" + key + "' in " + describeSource()
                    + " is secret; read it with secret(key) and the secret key");
        }
        try {
            return type.parse(raw.get());
        } catch (IllegalArgumentException e) {
            // A parser's message may quote the value, so a masked key's error gives only the expected type.
            throw new ConfigValueException("Key '" + key + "' in " + describeSource() + (isMasked(key)
                    ? " has a value (hidden: secret) that is not " + type.describe()
                    : " has value '" + raw.get() + "': " + e.getMessage()));
        }
    }

    /**
     * A typed value that must be present.
     *
     * @throws ConfigValueException naming the key and source when absent or invalid
     */
    default <T> T require(String key, SettingType<T> type) {
        T value = get(key, type, null);
        if (value == null) {
            throw new ConfigValueException("Key '" + key + "' is missing from " + describeSource()
                    + "; expected " + type.describe());
        }
        return value;
    }

    /** Text, or {@code fallback}. */
    default String getString(String key, String fallback) {
        return get(key, SettingType.text(), fallback);
    }

    /** An int, or {@code fallback}. */
    default int getInt(String key, int fallback) {
        return get(key, SettingType.integer(Integer.MIN_VALUE, Integer.MAX_VALUE), fallback);
    }

    /** A long, or {@code fallback}. */
    default long getLong(String key, long fallback) {
        return get(key, SettingType.longInteger(Long.MIN_VALUE, Long.MAX_VALUE), fallback);
    }

    /** {@code true} or {@code false}, or {@code fallback}. */
    default boolean getBoolean(String key, boolean fallback) {
        return get(key, SettingType.bool(), fallback);
    }

    /** A decimal number, or {@code fallback}. */
    default double getDouble(String key, double fallback) {
        return get(key, SettingType.decimal(-Double.MAX_VALUE, Double.MAX_VALUE), fallback);
    }

    /** A duration such as {@code 30s} or {@code 5m}, or {@code fallback}. */
    default Duration getDuration(String key, Duration fallback) {
        return get(key, SettingType.duration(Duration.ZERO), fallback);
    }

    /** A size in bytes such as {@code 64m}, or {@code fallback}. */
    default long getSize(String key, long fallback) {
        return get(key, SettingType.size(0, Long.MAX_VALUE), fallback);
    }

    /** A comma-separated list, or {@code fallback}. */
    default List<String> getList(String key, List<String> fallback) {
        return get(key, SettingType.list(), fallback);
    }

    /** An enum constant written in lower case with dashes, or {@code fallback}. */
    default <E extends Enum<E>> E getEnum(String key, Class<E> type, E fallback) {
        return get(key, SettingType.oneOf(type), fallback);
    }
}
