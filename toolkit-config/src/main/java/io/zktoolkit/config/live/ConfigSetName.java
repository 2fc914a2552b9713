package io.zktoolkit.config.live;

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
                throw new IllegalArgumentException("Configuration set name '" + printable(value)
                        + "' has an invalid segment '" + printable(segment) + "'; expected " + VALID);
            }
        }
    }

    /** Parses and validates a name. */
    public static ConfigSetName of(String value) {
        return new ConfigSetName(value);
    }

    /** Control characters shown as escapes, so an error message cannot be garbled by the bad name itself. */
    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    @Override
    public String toString() {
        return value;
    }
}
