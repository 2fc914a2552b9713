package io.zktoolkit.locks;

/**
 * One acquisition of a {@link FencedMutex}: its fencing token, whether it is still held, and
 * writes that ZooKeeper applies only while it is (see {@link FencedOwnership}). Release it on the
 * thread that acquired it, because Curator's lock is per thread.
 */
public final class LockLease extends FencedOwnership {
    private final FencedMutex mutex;

    LockLease(FencedMutex mutex, String nodePath, long token) {
        super(mutex.curator(), "lock " + mutex.path(), nodePath, token);
        this.mutex = mutex;
    }

    /** The lock's path. */
    public String lockPath() {
        return mutex.path();
    }

    @Override
    void onRelease() {
        mutex.release(this);
    }
}
