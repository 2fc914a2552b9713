package io.zktoolkit.locks.hive;

/**
 * Hive's escaping of partition values in partition names ({@code FileUtils.escapePathName}), so
 * that a value holding {@code /} or {@code =} still names exactly one partition and reads the
 * same as in the metastore.
 */
final class HivePartitionNames {
    private static final String SPECIAL = "\"#%'*/:=?\\\u007F{[]^";

    private HivePartitionNames() {
    }

    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            if (c < ' ' || SPECIAL.indexOf(c) >= 0) {
                out.append('%').append(String.format("%02X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static String unescape(String escaped) {
        StringBuilder out = new StringBuilder(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c == '%' && i + 2 < escaped.length() && isHex(escaped, i + 1)) {
                out.append((char) Integer.parseInt(escaped.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isHex(String s, int at) {
        return Character.digit(s.charAt(at), 16) >= 0 && Character.digit(s.charAt(at + 1), 16) >= 0;
    }
}
