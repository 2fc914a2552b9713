package io.zktoolkit.sync.state;

import io.zktoolkit.sync.SyncException;

/** A job-state operation was refused or failed; the message names the job, the znode and why. */
public class JobStateException extends SyncException {
    private static final long serialVersionUID = 1L;

    /** With a message naming the job and the znode. */
    public JobStateException(String message) {
        super(message);
    }

    /** With ZooKeeper's cause. */
    public JobStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
