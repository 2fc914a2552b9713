package io.zktoolkit.config.audit;

import java.time.Instant;

/**
 * Which entries {@link AuditTrail#read} returns. Start from {@link #all()} and narrow it.
 *
 * @param action only this action, or null for any
 * @param pathPrefix only targets equal to or below this path, or null for any
 * @param since only entries the ensemble committed at or after this time, or null
 * @param limit at most this many (the newest), at least 1
 */
public record AuditQuery(AuditAction action, String pathPrefix, Instant since, int limit) {
    /** Checks the limit. */
    public AuditQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
    }

    /** Every entry (up to {@link Integer#MAX_VALUE}). */
    public static AuditQuery all() {
        return new AuditQuery(null, null, null, Integer.MAX_VALUE);
    }

    /** Only entries of {@code value}. */
    public AuditQuery action(AuditAction value) {
        return new AuditQuery(value, pathPrefix, since, limit);
    }

    /** Only entries whose target is {@code value} or below it. */
    public AuditQuery pathPrefix(String value) {
        return new AuditQuery(action, value, since, limit);
    }

    /** Only entries committed at or after {@code value}. */
    public AuditQuery since(Instant value) {
        return new AuditQuery(action, pathPrefix, value, limit);
    }

    /** At most {@code value} entries. */
    public AuditQuery limit(int value) {
        return new AuditQuery(action, pathPrefix, since, value);
    }

    boolean matches(AuditEntry e) {
        String target = e.what().target();
        return (action == null || e.what().action() == action)
                && (pathPrefix == null || target.equals(pathPrefix)
                        || target.startsWith(pathPrefix.endsWith("/") ? pathPrefix : pathPrefix + "/"))
                && (since == null || !e.serverTime().isBefore(since));
    }
}
