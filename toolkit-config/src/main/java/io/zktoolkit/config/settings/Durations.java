package io.zktoolkit.config.settings;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration format of every settings file: a whole number with a unit, {@code 500ms},
 * {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}; a bare number means milliseconds, as in
 * ZooKeeper's and Hadoop's own files.
 */
public final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,18})\\s*(ms|s|m|h|d)?");

    /** What {@link #parse} accepts, for error messages. */
    public static final String VALID = "a whole number with a unit: ms, s, m, h or d (for example 500ms, 30s, 5m)";

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException when the text is not in the format above; negative
     *         values are rejected because every duration in the toolkit is a timeout or a period
     */
    public static Duration parse(String text) {
        Matcher m = FORMAT.matcher(text.trim().toLowerCase(java.util.Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("expected " + VALID);
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw new IllegalStateException(unit);
        };
    }

    /** Formats a duration in the largest unit that keeps it whole, so {@code parse(format(d))} is {@code d}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms != 0 && ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms != 0 && ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms != 0 && ms % 1000L == 0) {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }
}
