package io.zktoolkit.locks;

import java.time.Duration;
import java.util.Optional;

/**
 * A lock whose every acquisition returns a {@link LockLease} with a fencing token: a
 * {@link FencedMutex}, either side of a {@link FencedReadWriteLock}, or a Hive object lock.
 * Curator's locks are per thread: release a lease on the thread that acquired it.
 */
public interface FencedLock {
    /** The lock's path in ZooKeeper. */
    String path();

    /**
     * Waits up to {@code timeout} for the lock.
     *
     * @return the lease, or empty when the wait timed out (no node is left behind)
     * @throws IllegalStateException when this thread already holds this lock
     * @throws LockLostException when ZooKeeper failed or the wait was interrupted
     */
    Optional<LockLease> acquire(Duration timeout);

    /** Waits as long as it takes. */
    default LockLease acquire() {
        return acquire(Duration.ofNanos(Long.MAX_VALUE)).orElseThrow();
    }
}
