package io.zktoolkit.sync;

/** A ZooKeeper operation of this module failed; the message names the znode and what was attempted. */
public class SyncException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a message naming the znode. */
    public SyncException(String message) {
        super(message);
    }

    /** With ZooKeeper's cause. */
    public SyncException(String message, Throwable cause) {
        super(message, cause);
    }
}
