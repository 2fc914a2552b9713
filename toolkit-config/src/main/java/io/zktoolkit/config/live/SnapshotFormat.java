package io.zktoolkit.config.live;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The bytes of a snapshot in ZooKeeper: UTF-8 text an operator can read with {@code zkCli get},
 * one header line, metadata lines starting with '#', then one {@code key=value} line per entry
 * in key order. Backslash escapes keep any key or value on one line. Reading is strict: anything
 * else in the znode is reported as corrupt, with the path, rather than half-read.
 */
final class SnapshotFormat {
    static final String HEADER = "#zktoolkit-config v1";

    private SnapshotFormat() {
    }

    static byte[] encode(ConfigSnapshot s) {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        out.append("#version=").append(s.version()).append('\n');
        out.append("#author=").append(escape(s.author(), false)).append('\n');
        out.append("#time=").append(s.time().toEpochMilli()).append('\n');
        out.append("#comment=").append(escape(s.comment(), false)).append('\n');
        out.append("#secret=").append(escape(String.join(",", s.secretKeys()), false)).append('\n');
        s.entries().forEach((k, v) -> out.append(escape(k, true)).append('=').append(escape(v, false)).append('\n'));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static ConfigSnapshot decode(ConfigSetName name, String path, byte[] data) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            throw corrupt(path, "the data is not UTF-8");
        }
        String[] lines = text.split("\n", -1);
        if (lines.length < 2 || !lines[0].equals(HEADER) || !lines[lines.length - 1].isEmpty()) {
            throw corrupt(path, "the data is not a ZK Toolkit configuration snapshot (expected a first line '"
                    + HEADER + "' and a final newline)");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        Map<String, String> entries = new TreeMap<>();
        for (int i = 1; i < lines.length - 1; i++) {
            String line = lines[i];
            int eq = separator(line);
            if (eq < 0) {
                throw corrupt(path, "line " + (i + 1) + " has no '='");
            }
            try {
                if (line.startsWith("#")) {
                    meta.put(line.substring(1, eq), unescape(line.substring(eq + 1)));
                } else if (entries.put(unescape(line.substring(0, eq)), unescape(line.substring(eq + 1))) != null) {
                    throw corrupt(path, "line " + (i + 1) + " repeats a key");
                }
            } catch (IllegalArgumentException e) {
                throw corrupt(path, "line " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (!meta.keySet().equals(new java.util.HashSet<>(Arrays.asList("version", "author", "time", "comment", "secret")))) {
            throw corrupt(path, "expected metadata version, author, time, comment and secret, found " + meta.keySet());
        }
        long version;
        Instant time;
        try {
            version = Long.parseLong(meta.get("version"));
            time = Instant.ofEpochMilli(Long.parseLong(meta.get("time")));
        } catch (NumberFormatException e) {
            throw corrupt(path, "version or time is not a number");
        }
        if (version < 1) {
            throw corrupt(path, "version " + version + " is not positive");
        }
        SortedSet<String> secrets = new TreeSet<>();
        for (String k : meta.get("secret").split(",")) {
            if (!k.isEmpty()) {
                secrets.add(k);
            }
        }
        if (!entries.keySet().containsAll(secrets)) {
            throw corrupt(path, "secret keys " + secrets + " are not all present");
        }
        return new ConfigSnapshot(name, version, entries, secrets, meta.get("author"), time, meta.get("comment"));
    }

    private static CorruptConfigException corrupt(String path, String problem) {
        return new CorruptConfigException("Configuration znode " + path + " is corrupt: " + problem
                + ". Republish the set, or roll back to a kept version");
    }

    /** Index of the first '=' not escaped by a backslash. */
    private static int separator(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '=') {
                return i;
            }
        }
        return -1;
    }

    static String escape(String s, boolean key) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '=' -> out.append(key ? "\\=" : "=");
                case '#' -> out.append(key && i == 0 ? "\\#" : "#");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i == s.length()) {
                throw new IllegalArgumentException("a line ends in a lone backslash");
            }
            char e = s.charAt(i);
            switch (e) {
                case '\\', '=', '#' -> out.append(e);
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                default -> throw new IllegalArgumentException("unknown escape \\" + e);
            }
        }
        return out.toString();
    }
}
