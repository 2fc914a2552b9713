package io.zktoolkit.sync.sqoop;

/** A {@link StagedExport} failed; the message says what, and that the target table is as it was. */
public class ExportFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With what failed and the state left behind. */
    public ExportFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
