package io.zktoolkit.sync;

/**
 * An update was sent but the connection failed before ZooKeeper's answer arrived, and a later
 * read could not settle whether it landed. It landed at most once, never twice; the caller
 * decides whether to check (by its {@link #operationId()}) or to treat it as lost.
 */
public class OutcomeUnknownException extends SyncException {
    private static final long serialVersionUID = 1L;

    private final String operationId;

    /** With the znode and operation named in the message. */
    public OutcomeUnknownException(String message, String operationId, Throwable cause) {
        super(message, cause);
        this.operationId = operationId;
    }

    /** The id the update was written with, kept in the znode's recent operations while it is recent. */
    public String operationId() {
        return operationId;
    }
}
