package io.zktoolkit.config.audit;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a change did, as its writer records it.
 *
 * @param action the kind of change
 * @param target the znode changed (inside the client's namespace), for example {@code /locks/orders}
 * @param reason why, as the caller gave it, or empty
 * @param details what changed, for example {@code from=3, to=4}; keys sorted. Never secret values
 */
public record AuditRecord(AuditAction action, String target, String reason, Map<String, String> details) {
    /** Checks the fields; details are copied in key order. */
    public AuditRecord {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        reason = reason == null ? "" : reason;
        details = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(details == null ? Map.of() : details));
    }
}
