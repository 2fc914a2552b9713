package io.zktoolkit.config.audit;

/** A znode under the audit root that is not a readable entry; the message names its path and the problem. */
public class CorruptAuditEntryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With the znode's path and what is wrong there. */
    public CorruptAuditEntryException(String node, String problem) {
        super("Audit entry " + node + " is unreadable: " + problem);
    }
}
