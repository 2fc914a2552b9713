package io.zktoolkit.config.live;

import io.zktoolkit.config.ZnodeLimits;
import java.util.regex.Pattern;

/**
 * The name of a configuration set, such as {@code jobs/daily-orders}: one or more segments of
 * letters, digits, dots, dashes and underscores separated by '/'. The name is also the set's
 * path below the store's root, so anything that could escape it ({@code ..}, empty segments,
 * control characters) is rejected with the rule spelled out.
 *
 * @param value the validated name
 */
public record ConfigSetName(String value) {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,99}");
    private static final int MAX_LENGTH = 400;
    /** What a valid name looks like, for error messages. */
    public static final String VALID = "segments of letters, digits, '.', '-' and '_' (not starting with '.' or '-'),"
            + " separated by '/', at most " + MAX_LENGTH + " characters, for example jobs/daily-orders";

    /** Validates the name. */
    public ConfigSetName {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("Configuration set name is empty; expected " + VALID);
        }
        if (value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("Configuration set name is " + value.length()
                    + " characters long; expected " + VALID);
        }
        for (String segment : value.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw new IllegalArgumentException("Configuration set name '" + ZnodeLimits.printable(value)
                        + "' has an invalid segment '" + ZnodeLimits.printable(segment) + "'; expected " + VALID);
            }
        }
    }

    /** Parses and validates a name. */
    public static ConfigSetName of(String value) {
        return new ConfigSetName(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
