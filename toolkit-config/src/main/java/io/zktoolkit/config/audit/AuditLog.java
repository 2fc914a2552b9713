package io.zktoolkit.config.audit;

import java.util.List;

/**
 * What {@link AuditTrail#read} found.
 *
 * @param entries the matching entries, newest first
 * @param unreadable one line per znode under the root that is not a readable entry (its path and
 *        what is wrong): reported, never fatal to the rest
 */
public record AuditLog(List<AuditEntry> entries, List<String> unreadable) {
    /** Copies both lists. */
    public AuditLog {
        entries = List.copyOf(entries);
        unreadable = List.copyOf(unreadable);
    }
}
