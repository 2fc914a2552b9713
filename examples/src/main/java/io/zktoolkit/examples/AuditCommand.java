package io.zktoolkit.examples;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.audit.AuditAction;
import io.zktoolkit.config.audit.AuditEntry;
import io.zktoolkit.config.audit.AuditLog;
import io.zktoolkit.config.audit.AuditQuery;
import io.zktoolkit.config.audit.AuditTrail;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code zktoolkit audit}: who changed configuration, broke locks or forced failovers, when, and what. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "List the audit trail, newest first: configuration publishes and rollbacks, lock breaks and forced"
                + " failovers, each with who (OS user, host, pid, digest user, actor), when (ensemble and client clock),"
                + " the target and the details. Unreadable entries are reported with their path; exit code 1 if any.")
final class AuditCommand extends ConnectedCommand {
    @Option(names = "--action", paramLabel = "ACTION", description = "Only this action: ${COMPLETION-CANDIDATES}.")
    AuditAction action;
    @Option(names = "--path", paramLabel = "PATH", description = "Only targets at or below this znode, for example /locks.")
    String path;
    @Option(names = "--since", paramLabel = "WHEN",
            description = "Only entries since this instant (2024-05-01T10:00:00Z) or this long ago (30m, 2h, 7d).")
    String since;
    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N entries (default ${DEFAULT-VALUE}).")
    int limit;
    @Option(names = "--json", description = "One JSON object per entry, one per line.")
    boolean json;

    private Instant sinceInstant;

    @Override
    protected void validate() {
        if (limit < 1) {
            throw usageError("--limit must be at least 1, got " + limit);
        }
        if (path != null && !path.startsWith("/")) {
            throw usageError("--path must be an absolute znode path such as /locks/orders, got '" + path + "'");
        }
        if (since != null) {
            try {
                sinceInstant = Instant.parse(since);
            } catch (DateTimeParseException notAnInstant) {
                try {
                    sinceInstant = Instant.now().minus(new DurationConverter().convert(since));
                } catch (RuntimeException notADuration) {
                    throw usageError("--since must be an instant such as 2024-05-01T10:00:00Z or a duration such as 30m or 2h,"
                            + " got '" + since + "'");
                }
            }
        }
    }

    @Override
    protected int run(ToolkitClient zk, PrintWriter out) throws Exception {
        AuditQuery query = AuditQuery.all().action(action).pathPrefix(path).since(sinceInstant).limit(limit);
        AuditLog log = AuditTrail.builder(zk).build().read(query);
        if (!json) {
            out.printf("Audit trail (%d entries)%n", log.entries().size());
        }
        for (AuditEntry e : log.entries()) {
            out.println(json ? json(e) : text(e));
        }
        log.unreadable().forEach(u -> out.println(json ? "{\"unreadable\":" + quoted(u) + "}" : "  unreadable: " + u));
        return log.unreadable().isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static String text(AuditEntry e) {
        return String.format("  %s  %-16s %s  by %s%s%n    %s  (client clock %s, zxid 0x%x)", e.serverTime(), e.what().action(),
                e.what().target(), e.who(), e.what().reason().isEmpty() ? "" : ": " + e.what().reason(),
                e.what().details().entrySet().stream().map(d -> d.getKey() + "=" + d.getValue()).collect(Collectors.joining(", ")),
                e.clientTime(), e.zxid()).stripTrailing();
    }

    private static String json(AuditEntry e) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("serverTime", e.serverTime().toString());
        o.put("clientTime", e.clientTime().toString());
        o.put("zxid", e.zxid());
        o.put("action", e.what().action().name());
        o.put("target", e.what().target());
        o.put("reason", e.what().reason());
        o.put("user", e.who().user());
        o.put("host", e.who().host());
        o.put("pid", e.who().pid());
        o.put("digestUser", e.who().digestUser());
        o.put("actor", e.who().actor());
        o.put("details", e.what().details());
        o.put("node", e.node());
        return object(o);
    }

    private static String object(Map<String, ?> fields) {
        return fields.entrySet().stream().map(f -> quoted(f.getKey()) + ":" + (f.getValue() instanceof Number n ? n.toString()
                : f.getValue() instanceof Map<?, ?> m ? object(m.entrySet().stream()
                        .collect(Collectors.toMap(x -> x.getKey().toString(), Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new)))
                : quoted(String.valueOf(f.getValue())))).collect(Collectors.joining(",", "{", "}"));
    }

    private static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b.append('"').toString();
    }
}
