package io.zktoolkit.sync.sqoop;

/** Hears the steps of a {@link StagedExport}, for logs and metrics; called on the exporting thread. */
public interface ExportListener {
    /** The target table's lock is held; the export starts. */
    default void locked(ExportId id, long token) {
    }

    /** The database transaction that moved the rows and recorded the export committed. */
    default void committed(ExportId id, long rows) {
    }

    /** The lock is about to be released. */
    default void unlocking(ExportId id) {
    }
}
