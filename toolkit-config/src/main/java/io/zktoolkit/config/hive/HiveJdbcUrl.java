package io.zktoolkit.config.hive;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The parts of a HiveServer2 JDBC URL,
 * {@code jdbc:hive2://hosts/db;session?conf#vars}, so settings can be merged into a URL that
 * already carries some: a key given in both keeps the set's value.
 */
record HiveJdbcUrl(String base, Map<String, String> session, Map<String, String> conf, Map<String, String> vars) {

    static HiveJdbcUrl parse(String url) {
        String rest = url;
        Map<String, String> vars = new LinkedHashMap<>();
        Map<String, String> conf = new LinkedHashMap<>();
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            vars = pairs(rest.substring(hash + 1));
            rest = rest.substring(0, hash);
        }
        int question = rest.indexOf('?');
        if (question >= 0) {
            conf = pairs(rest.substring(question + 1));
            rest = rest.substring(0, question);
        }
        // The first ';' after the authority starts the session list; hosts never contain one.
        int afterScheme = rest.indexOf("//") + 2;
        int semicolon = rest.indexOf(';', afterScheme);
        Map<String, String> session = semicolon >= 0 ? pairs(rest.substring(semicolon + 1)) : new LinkedHashMap<>();
        String base = semicolon >= 0 ? rest.substring(0, semicolon) : rest;
        return new HiveJdbcUrl(base, session, conf, vars);
    }

    HiveJdbcUrl with(Map<String, String> moreSession, Map<String, String> moreConf, Map<String, String> moreVars) {
        return new HiveJdbcUrl(base, merged(session, moreSession), merged(conf, moreConf), merged(vars, moreVars));
    }

    static boolean isSafe(String text) {
        return text.chars().noneMatch(c -> c == ';' || c == '?' || c == '#' || c == '=' || c == '\n' || c == '\r');
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(base);
        if (!session.isEmpty()) {
            // a URL ending in '/' (no database) still takes the session list right after it
            out.append(';').append(join(session));
        }
        if (!conf.isEmpty()) {
            out.append('?').append(join(conf));
        }
        if (!vars.isEmpty()) {
            out.append('#').append(join(vars));
        }
        return out.toString();
    }

    private static Map<String, String> merged(Map<String, String> first, Map<String, String> second) {
        Map<String, String> all = new LinkedHashMap<>(first);
        all.putAll(second);
        return all;
    }

    private static Map<String, String> pairs(String list) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : list.split(";")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            out.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
        }
        return out;
    }

    private static String join(Map<String, String> pairs) {
        return pairs.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(";"));
    }
}
