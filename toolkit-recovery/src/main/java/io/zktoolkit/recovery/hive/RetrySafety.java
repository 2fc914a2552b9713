package io.zktoolkit.recovery.hive;

/**
 * Whether a {@link FailoverHiveSession} may run a statement again on another server after the
 * server running it died: only the caller knows whether running it twice is harmless.
 */
public enum RetrySafety {
    /**
     * Running it again changes nothing, or the caller accepts that it might run twice: reads,
     * {@code CREATE ... IF NOT EXISTS}, {@code INSERT OVERWRITE} of a whole table or partition,
     * {@code DROP ... IF EXISTS}. When its server dies mid-statement it runs again on the next.
     */
    SAFE_TO_RETRY,
    /**
     * Must not run twice, for example {@code INSERT INTO}. When its server dies mid-statement the
     * session moves on but does not run it again, and throws
     * {@link StatementOutcomeUnknownException}. A statement that never reached its server (the
     * connection was already dead) still runs on the next one.
     */
    AT_MOST_ONCE
}
