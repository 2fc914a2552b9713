package io.zktoolkit.config.settings;

import java.util.List;
import java.util.Locale;

/**
 * The key-name rule for values that are shown masked although nobody declared them secret: a key
 * ending in {@code .password}, {@code .secret}, {@code .token} or {@code .key} (any case), or
 * named just that. A schema that declares such a key as a plain typed value overrides the rule.
 * The rule only hides values from output (listings, exports, diffs, log lines, exception
 * messages); the stored value is unchanged and read as usual.
 */
public final class SecretNames {
    private static final List<String> SUFFIXES = List.of("password", "secret", "token", "key");

    private SecretNames() {
    }

    /** Whether {@code key} names a secret by the rule. */
    public static boolean looksSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        for (String suffix : SUFFIXES) {
            if (lower.equals(suffix) || lower.endsWith("." + suffix)) {
                return true;
            }
        }
        return false;
    }
}
