package io.zktoolkit.locks.sqoop;

/** An import could not start in time: its table is being imported, or the source has no free mappers. */
public class ImportBusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a message naming the table, source and who holds it. */
    public ImportBusyException(String message) {
        super(message);
    }
}
