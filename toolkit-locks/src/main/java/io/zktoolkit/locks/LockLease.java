package io.zktoolkit.locks;

/**
 * One acquisition of a {@link FencedLock}: its fencing token, whether it is still held, and
 * writes that ZooKeeper applies only while it is (see {@link FencedOwnership}). Release it on the
 * thread that acquired it, because Curator's lock is per thread.
 */
public final class LockLease extends FencedOwnership {
    private final QueuedLock lock;
    private volatile Runnable afterRelease = () -> {
    };

    LockLease(QueuedLock lock, String nodePath, long token) {
        super(lock.curator(), lock.description(), nodePath, token);
        this.lock = lock;
    }

    /** The lock's path. */
    public String lockPath() {
        return lock.path();
    }

    /** Runs {@code action} once this lease has been released, on the releasing thread. */
    void afterRelease(Runnable action) {
        afterRelease = action;
    }

    @Override
    void onRelease() {
        lock.release(this);
        afterRelease.run();
    }
}
