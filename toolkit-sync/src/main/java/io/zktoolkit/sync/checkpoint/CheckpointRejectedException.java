package io.zktoolkit.sync.checkpoint;

import java.util.OptionalLong;

/**
 * A checkpoint write that was refused, with nothing written. The message names the checkpoint,
 * the value and token attempted, and the stored ones.
 */
public class CheckpointRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the write was refused. */
    public enum Reason {
        /** The writer's lease is no longer held (session expired, lock released): another may hold it now. */
        LEASE_LOST,
        /** The stored value was written under a higher fencing token: the writer is a stale holder. */
        STALE_TOKEN,
        /** The value would move the checkpoint backwards in its order. */
        BACKWARDS,
        /** The checkpoint changed after the writer read it, so the write was based on an old value. */
        CONFLICT
    }

    private final Reason reason;
    private final String checkpoint;
    private final long attemptedToken;
    private final OptionalLong storedToken;

    CheckpointRejectedException(Reason reason, String checkpoint, long attemptedToken, OptionalLong storedToken,
            String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.checkpoint = checkpoint;
        this.attemptedToken = attemptedToken;
        this.storedToken = storedToken;
    }

    /** Why the write was refused. */
    public Reason reason() {
        return reason;
    }

    /** The checkpoint's name. */
    public String checkpoint() {
        return checkpoint;
    }

    /** The fencing token of the refused write's lease. */
    public long attemptedToken() {
        return attemptedToken;
    }

    /** The token the stored value was written with; empty when nothing was stored. */
    public OptionalLong storedToken() {
        return storedToken;
    }
}
