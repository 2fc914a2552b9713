package io.zktoolkit.recovery.hive;

/** Hears each move of a {@link FailoverHiveSession} to another server. */
@FunctionalInterface
public interface HiveFailoverListener {
    /** Called on the thread that ran the statement, after the session is ready on the new server. */
    void failedOver(HiveFailover failover);
}
