package io.zktoolkit.config;

import io.zktoolkit.config.settings.Interpolator;
import io.zktoolkit.config.settings.KeySuggestions;
import io.zktoolkit.config.settings.SettingKey;
import io.zktoolkit.config.settings.SettingsException;
import io.zktoolkit.config.settings.SettingsException.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns raw key-value text into {@link ToolkitSettings}, collecting every problem before failing. */
final class SettingsParser {
    private SettingsParser() {
    }

    static ToolkitSettings parse(Map<String, String> raw, String source, Interpolator interpolator) {
        List<Problem> problems = new ArrayList<>();
        ToolkitSettings.Builder builder = ToolkitSettings.builder().source(source);
        for (Map.Entry<String, String> entry : raw.entrySet()) {
            String name = entry.getKey().trim();
            if (!name.startsWith(ToolkitKeys.PREFIX)) {
                continue;
            }
            Optional<SettingKey<?>> key = ToolkitKeys.find(name);
            if (key.isEmpty()) {
                problems.add(new Problem(name, unknownKeyMessage(name)));
                continue;
            }
            try {
                set(builder, key.get(), interpolator.resolve(entry.getValue()));
            } catch (IllegalArgumentException e) {
                problems.add(new Problem(name, shown(key.get(), entry.getValue()) + e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new SettingsException(source, problems);
        }
        return builder.build();
    }

    private static <T> void set(ToolkitSettings.Builder builder, SettingKey<T> key, String text) {
        builder.set(key, key.type().parse(text));
    }

    /** The value as written, except for secrets, whose value never reaches a message. */
    private static String shown(SettingKey<?> key, String text) {
        return key.isSecret() ? "value hidden (secret): " : "value '" + text + "': ";
    }

    static String unknownKeyMessage(String name) {
        List<String> valid = ToolkitKeys.ALL.stream().map(SettingKey::name).toList();
        return KeySuggestions.nearest(name, valid)
                .map(k -> "unknown key; did you mean " + k + "?")
                .orElse("unknown key; valid " + ToolkitKeys.PREFIX + "* keys are " + valid);
    }
}
