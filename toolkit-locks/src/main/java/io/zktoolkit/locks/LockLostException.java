package io.zktoolkit.locks;

/**
 * The caller no longer holds the lock (or leadership), or cannot be sure it does, so a side effect
 * it was about to perform must not happen. The message names the lock and why.
 */
public class LockLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a message naming the lock and the reason. */
    public LockLostException(String message) {
        super(message);
    }

    /** With the ZooKeeper error behind it. */
    public LockLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
