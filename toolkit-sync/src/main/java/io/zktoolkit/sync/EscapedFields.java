package io.zktoolkit.sync;

import java.util.ArrayList;
import java.util.List;

/**
 * One record per line, fields separated by tabs: the text format of every znode this module
 * writes, readable with {@code zkCli get}. Values may contain tabs, newlines and backslashes, so
 * those are escaped; anything else is kept as is.
 */
public final class EscapedFields {
    private EscapedFields() {
    }

    /** Joins fields into one line, escaping tabs, newlines and backslashes. */
    public static String join(List<String> fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                line.append('\t');
            }
            for (char c : fields.get(i).toCharArray()) {
                switch (c) {
                    case '\\' -> line.append("\\\\");
                    case '\t' -> line.append("\\t");
                    case '\n' -> line.append("\\n");
                    case '\r' -> line.append("\\r");
                    default -> line.append(c);
                }
            }
        }
        return line.toString();
    }

    /** Splits a line written by {@link #join}, undoing its escapes; an unknown escape is an IllegalArgumentException. */
    public static List<String> split(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\t') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\\') {
                if (++i == line.length()) {
                    throw new IllegalArgumentException("a backslash ends the line");
                }
                char escaped = line.charAt(i);
                field.append(switch (escaped) {
                    case '\\' -> '\\';
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> throw new IllegalArgumentException("unknown escape \\" + escaped);
                });
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
