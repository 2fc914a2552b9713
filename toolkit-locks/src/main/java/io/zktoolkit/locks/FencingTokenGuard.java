package io.zktoolkit.locks;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The resource side of fencing, for a resource outside ZooKeeper that a single process owns: it
 * remembers the highest token it accepted and refuses any lower one, so a write from a holder
 * that lost its lock cannot land after a newer holder's. Resources shared by several processes
 * keep the highest token with the data instead (for example
 * {@code UPDATE t SET ..., token = ? WHERE id = ? AND token <= ?}).
 */
public final class FencingTokenGuard {
    private final AtomicLong highest = new AtomicLong(Long.MIN_VALUE);

    /**
     * Accepts {@code token} if it is at least the highest accepted so far.
     *
     * @return whether the write carrying it may proceed
     */
    public boolean tryAccept(long token) {
        long seen;
        do {
            seen = highest.get();
            if (token < seen) {
                return false;
            }
        } while (!highest.compareAndSet(seen, token));
        return true;
    }

    /** The highest token accepted so far, or {@link Long#MIN_VALUE}. */
    public long highest() {
        return highest.get();
    }
}
