package io.zktoolkit.config.audit;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The bytes of an audit entry: UTF-8 text {@code zkCli get} shows, a header line naming the
 * format and its version, then {@code key=value} lines, values URL-encoded so any text stays on
 * one line. Reading is strict: anything else is refused with the znode's path and the problem.
 */
final class AuditFormat {
    static final String HEADER = "#zktoolkit-audit v1";
    private static final String DETAIL = "detail.";
    private static final Set<String> REQUIRED = Set.of("action", "target", "clientTime", "user", "host", "pid");
    private static final Set<String> OPTIONAL = Set.of("digestUser", "actor", "reason");

    private AuditFormat() {
    }

    static byte[] encode(AuditActor who, AuditRecord what, Instant clientTime) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("action", what.action().name());
        fields.put("target", what.target());
        fields.put("clientTime", clientTime.toString());
        fields.put("user", who.user());
        fields.put("host", who.host());
        fields.put("pid", Long.toString(who.pid()));
        fields.put("digestUser", who.digestUser());
        fields.put("actor", who.actor());
        fields.put("reason", what.reason());
        what.details().forEach((k, v) -> fields.put(DETAIL + k, v));
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        fields.forEach((k, v) -> {
            if (!v.isEmpty() || REQUIRED.contains(k) || k.startsWith(DETAIL)) {
                out.append(encoded(k)).append('=').append(encoded(v)).append('\n');
            }
        });
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @param node the entry's path, for messages */
    static AuditEntry decode(String node, long zxid, Instant serverTime, byte[] data) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data == null ? new byte[0] : data))
                    .toString();
        } catch (CharacterCodingException e) {
            throw corrupt(node, "the data is not UTF-8");
        }
        String[] lines = text.split("\n", -1);
        if (!lines[0].equals(HEADER)) {
            throw corrupt(node, lines[0].startsWith("#zktoolkit-audit ")
                    ? "it is in format '" + lines[0].substring(1) + "', this reader knows only '" + HEADER.substring(1) + "'"
                    : "it is not a ZK Toolkit audit entry (expected a first line '" + HEADER + "')");
        }
        Map<String, String> fields = new TreeMap<>();
        Map<String, String> details = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty() && i == lines.length - 1) {
                break;
            }
            int eq = lines[i].indexOf('=');
            if (eq < 1) {
                throw corrupt(node, "line " + (i + 1) + " is not key=value");
            }
            String key;
            String value;
            try {
                key = URLDecoder.decode(lines[i].substring(0, eq), StandardCharsets.UTF_8);
                value = URLDecoder.decode(lines[i].substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw corrupt(node, "line " + (i + 1) + " has a bad escape: " + e.getMessage());
            }
            if (key.startsWith(DETAIL)) {
                details.put(key.substring(DETAIL.length()), value);
            } else if (REQUIRED.contains(key) || OPTIONAL.contains(key)) {
                fields.put(key, value);
            } else {
                throw corrupt(node, "line " + (i + 1) + " has an unknown key '" + key + "'");
            }
        }
        for (String key : REQUIRED) {
            if (!fields.containsKey(key)) {
                throw corrupt(node, "the field '" + key + "' is missing");
            }
        }
        AuditAction action;
        try {
            action = AuditAction.valueOf(fields.get("action"));
        } catch (IllegalArgumentException e) {
            throw corrupt(node, "unknown action '" + fields.get("action") + "'");
        }
        try {
            AuditActor who = new AuditActor(fields.get("user"), fields.get("host"), Long.parseLong(fields.get("pid")),
                    fields.get("digestUser"), fields.get("actor"));
            return new AuditEntry(node, zxid, serverTime, Instant.parse(fields.get("clientTime")), who,
                    new AuditRecord(action, fields.get("target"), fields.get("reason"), details));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw corrupt(node, "a field is unreadable: " + e.getMessage());
        }
    }

    private static String encoded(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static CorruptAuditEntryException corrupt(String node, String problem) {
        return new CorruptAuditEntryException(node, problem);
    }
}
