package io.zktoolkit.config.audit;

/** What an {@link AuditEntry} records. */
public enum AuditAction {
    /** A new version of a configuration set was published. */
    CONFIG_PUBLISH,
    /** A configuration set was rolled back to a kept version's content. */
    CONFIG_ROLLBACK,
    /** An operator removed a lock's current holder so the next waiter could proceed. */
    LOCK_BREAK,
    /** An operator removed an active's leadership so a standby takes over. */
    FORCED_FAILOVER
}
