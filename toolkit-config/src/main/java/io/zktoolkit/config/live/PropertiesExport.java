package io.zktoolkit.config.live;

import java.util.Map;

/** A snapshot as properties-file text: sorted keys, secrets masked, standard escapes; stable bytes. */
final class PropertiesExport {
    private PropertiesExport() {
    }

    static String of(ConfigSnapshot snapshot) {
        StringBuilder out = new StringBuilder();
        out.append("# configuration set ").append(snapshot.name()).append(" version ").append(snapshot.version());
        if (snapshot.exists()) {
            out.append(" by ").append(snapshot.author()).append(" at ").append(snapshot.time());
        }
        out.append('\n');
        for (Map.Entry<String, String> e : snapshot.maskedEntries().entrySet()) {
            out.append(escape(e.getKey(), true)).append('=').append(escape(e.getValue(), false)).append('\n');
        }
        return out.toString();
    }

    /** The escapes {@link java.util.Properties#load} reverses; non-ASCII stays as UTF-8. */
    private static String escape(String s, boolean key) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\f' -> out.append("\\f");
                case '=', ':' -> out.append(key ? "\\" + c : String.valueOf(c));
                case '#', '!' -> out.append(i == 0 && key ? "\\" + c : String.valueOf(c));
                case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
