package io.zktoolkit.recovery.spark;

import io.zktoolkit.locks.LockLostException;

/**
 * A micro-batch of a replaced active was refused: a newer active raised the epoch or its
 * leadership is gone. Nothing of the batch became visible; the query of the stale active fails
 * with this as its cause, and the new active runs the batch again from the checkpoint.
 */
public class BatchRefusedException extends LockLostException {
    private static final long serialVersionUID = 1L;
    private final long batchId;
    private final long token;

    /** Batch {@code batchId} of the active with {@code token} was refused, for {@code why}. */
    public BatchRefusedException(long batchId, long token, String why, Throwable cause) {
        super("Batch " + batchId + " of the active with token " + token + " was refused: " + why, cause);
        this.batchId = batchId;
        this.token = token;
    }

    /** The refused batch. */
    public long batchId() {
        return batchId;
    }

    /** The stale active's token. */
    public long token() {
        return token;
    }
}
