package io.zktoolkit.sync.sqoop;

/**
 * An incremental import that ran but was not committed: the checkpoint did not move and the run's
 * output was deleted, so the next run imports the same range again.
 */
public class IncrementalImportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the run was not committed. */
    public enum Reason {
        /** Sqoop returned a non-zero exit code (code generation, connection or a MapReduce task failed). */
        SQOOP_FAILED,
        /** Sqoop returned 0, but the output's record count differs from the source's rows in the range. */
        OUTPUT_MISMATCH
    }

    private final Reason reason;

    IncrementalImportException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Why the run was not committed. */
    public Reason reason() {
        return reason;
    }
}
