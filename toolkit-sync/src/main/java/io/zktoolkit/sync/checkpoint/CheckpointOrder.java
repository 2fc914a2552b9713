package io.zktoolkit.sync.checkpoint;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.Comparator;

/**
 * The usual orders in which a checkpoint may only move forward; any other {@code Comparator}
 * works too. A value that the order cannot read makes the write fail, never pass unchecked.
 */
public enum CheckpointOrder implements Comparator<String> {
    /** Numbers of any size and scale, such as a Sqoop append-mode last value ({@code 1200}, {@code 17.5}). */
    NUMERIC {
        @Override
        public int compare(String a, String b) {
            return number(a).compareTo(number(b));
        }
    },
    /**
     * Timestamps: ISO-8601 instants ({@code 2024-05-01T12:00:00Z}) or local date-times as JDBC and
     * Sqoop's lastmodified mode write them ({@code 2024-05-01 12:00:00.0}). Both values must use
     * the same form, because a local time has no zone to compare with an instant.
     */
    TIMESTAMP {
        @Override
        public int compare(String a, String b) {
            boolean aInstant = a.trim().endsWith("Z") || a.contains("+");
            boolean bInstant = b.trim().endsWith("Z") || b.contains("+");
            if (aInstant != bInstant) {
                throw new IllegalArgumentException("cannot order a zoned instant against a local date-time: '"
                        + a + "' and '" + b + "'");
            }
            try {
                return aInstant ? Instant.parse(a.trim()).compareTo(Instant.parse(b.trim()))
                        : local(a).compareTo(local(b));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not a timestamp: '" + e.getParsedString() + "'", e);
            }
        }
    };

    private static BigDecimal number(String value) {
        try {
            return new BigDecimal(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: '" + value + "'", e);
        }
    }

    private static LocalDateTime local(String value) {
        return LocalDateTime.parse(value.trim().replace(' ', 'T'));
    }
}
