package io.zktoolkit.sync.state;

import java.util.regex.Pattern;

/** The one rule for job and task ids: each becomes a znode name. */
final class JobNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    private JobNames() {
    }

    static String check(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid " + what + " '" + name + "': use 1 to 200 letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit (for example 'nightly-orders.2026-11-22')");
        }
        return name;
    }

    /** {@code text} made into a valid id: other characters become '-', a leading '.', '_' or '-' goes, at most 200. */
    static String sanitize(String text) {
        String cleaned = text == null ? "" : text.replaceAll("[^A-Za-z0-9._-]+", "-").replaceFirst("^[._-]+", "");
        cleaned = cleaned.length() > 200 ? cleaned.substring(0, 200) : cleaned;
        return cleaned.isEmpty() ? "job" : cleaned;
    }
}
