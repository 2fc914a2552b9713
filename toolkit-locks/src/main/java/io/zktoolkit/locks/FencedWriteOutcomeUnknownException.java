package io.zktoolkit.locks;

/**
 * A fenced write whose outcome is unknown: the connection dropped, the call timed out or the
 * thread was interrupted after the transaction may have reached the ensemble. It was applied
 * once or not at all (a transaction is atomic), never twice; read back before retrying, or make
 * the write recognisable (a unique record name, a write id) so a retry can tell.
 */
public class FencedWriteOutcomeUnknownException extends LockLostException {
    private static final long serialVersionUID = 1L;

    /** With the failure that left the outcome open. */
    public FencedWriteOutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
