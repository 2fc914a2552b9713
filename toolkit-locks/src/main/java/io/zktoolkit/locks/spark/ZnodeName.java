package io.zktoolkit.locks.spark;

import java.util.regex.Pattern;

/** The names the Spark integration turns into one znode path segment each: job names and run ids. */
final class ZnodeName {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

    private ZnodeName() {
    }

    /**
     * Returns {@code value} if it is a valid name.
     *
     * @param what how to name the value in the message, for example the SparkConf key it came from
     * @throws IllegalArgumentException naming {@code what} and the value
     */
    static String check(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is " + (value == null ? "not set" : "empty")
                    + "; expected a name of letters, digits, '.', '_' or '-' (for example daily-orders)");
        }
        if (!VALID.matcher(value).matches()) {
            // Slashes would nest jobs inside each other's nodes; commas would break Spark's job tags.
            throw new IllegalArgumentException(what + " '" + value + "' is not a valid name; expected letters, digits,"
                    + " '.', '_' or '-', not starting with '.' or '-' (for example daily-orders)");
        }
        return value;
    }
}
