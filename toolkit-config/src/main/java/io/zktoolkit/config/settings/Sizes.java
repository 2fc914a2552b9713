package io.zktoolkit.config.settings;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as written in settings and configuration sets: a whole number of bytes with an optional
 * binary unit, {@code 512}, {@code 64k}, {@code 64m}, {@code 2g}, {@code 1t} (k = 1024 bytes).
 */
public final class Sizes {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,18})\\s*([kmgt]?)b?");

    /** What {@link #parse} accepts, for error messages. */
    public static final String VALID = "a whole number of bytes with an optional unit k, m, g or t (for example 512, 64k, 64m, 2g)";

    private Sizes() {
    }

    /**
     * Parses a size in bytes.
     *
     * @throws IllegalArgumentException when the text is not in the format above or overflows a long
     */
    public static long parse(String text) {
        Matcher m = FORMAT.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("expected " + VALID);
        }
        long amount = Long.parseLong(m.group(1));
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        if (shift > 0 && amount > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("expected " + VALID + "; '" + text.trim() + "' is too large");
        }
        return amount << shift;
    }
}
