package io.zktoolkit.sync.hive;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What of a statement may be published on a shared board: its kind (the leading keywords, such as
 * {@code INSERT INTO} or {@code ALTER TABLE}) and a digest of its text, never the text itself.
 * Statements carry passwords and keys in literals ({@code OPTIONS (password 'x')},
 * {@code SET fs.s3a.secret.key=...}), and servers echo statements in their errors, so a failure
 * reason has every literal of the statement masked before it is published.
 */
record StatementSummary(String kind, String digest) {
    private static final Pattern KEYWORD = Pattern.compile("[A-Za-z]+");
    private static final List<String> SECOND_KEYWORD_AFTER = List.of("INSERT", "CREATE", "ALTER", "DROP", "TRUNCATE", "MSCK",
            "ANALYZE", "SHOW", "DESCRIBE", "REFRESH", "CACHE", "UNCACHE", "LOAD");
    private static final Pattern LITERAL = Pattern.compile("'(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern SET_VALUE = Pattern.compile("(?i)^\\s*SET\\s+[^=]+=(.*)$", Pattern.DOTALL);
    private static final int MAX_REASON = 2000;
    static final String MASK = "'***'";

    /** The kind and digest of {@code sql}. */
    static StatementSummary of(String sql) {
        return new StatementSummary(kindOf(sql), digestOf(sql));
    }

    /** {@code KIND sha256:<first 16 hex digits>}, the form published as the step's {@code statement}. */
    String published() {
        return kind + " sha256:" + digest;
    }

    private static String kindOf(String sql) {
        Matcher words = KEYWORD.matcher(withoutComments(sql));
        if (!words.find()) {
            return "UNKNOWN";
        }
        String first = words.group().toUpperCase(Locale.ROOT);
        if (SECOND_KEYWORD_AFTER.contains(first) && words.find()) {
            String second = words.group().toUpperCase(Locale.ROOT);
            // Only keywords: "INSERT INTO", "CREATE TABLE"; never a name that follows ("ANALYZE orders").
            if (second.matches("INTO|OVERWRITE|TABLE|TABLES|EXTERNAL|TEMPORARY|OR|VIEW|DATABASE|SCHEMA|FUNCTION|PARTITIONS|COLUMNS|DATA|LAZY|IF")) {
                return first + " " + second;
            }
        }
        return first;
    }

    private static String withoutComments(String sql) {
        return sql.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\\n]*", " ");
    }

    /** The first 16 hex digits of the SHA-256 of the statement with whitespace runs folded to one space. */
    private static String digestOf(String sql) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(sql.strip().replaceAll("\\s+", " ").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /**
     * The server's message with every literal of {@code sql} (and the value of a {@code SET}) masked,
     * bounded in length: servers quote the statement in parse and analysis errors.
     */
    static String redact(String sql, String message) {
        String text = message == null || message.isBlank() ? "(the driver gave no message)" : message;
        for (String secret : secretsOf(sql)) {
            text = text.replace(secret, MASK);
        }
        return text.length() <= MAX_REASON ? text : text.substring(0, MAX_REASON) + "...";
    }

    private static List<String> secretsOf(String sql) {
        List<String> secrets = new ArrayList<>();
        Matcher literal = LITERAL.matcher(sql);
        while (literal.find()) {
            String quoted = literal.group();
            secrets.add(quoted);
            String inner = quoted.substring(1, quoted.length() - 1);
            if (inner.length() >= 3) {
                secrets.add(inner);
            }
        }
        Matcher set = SET_VALUE.matcher(sql);
        if (set.matches() && !set.group(1).isBlank()) {
            secrets.add(set.group(1).strip());
        }
        // Longest first, so a literal is masked whole before any shorter one inside it.
        secrets.sort((a, b) -> Integer.compare(b.length(), a.length()));
        return secrets;
    }
}
