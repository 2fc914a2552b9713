package io.zktoolkit.sync.sqoop;

/**
 * What a {@link StagedExport} did.
 *
 * @param id the export's identity
 * @param loaded true when this run moved the rows into the target; false when an earlier run had
 * @param rows rows this export moved into the target (by this run or the earlier one)
 * @param token the fencing token of the lock holder that moved them
 * @param message one line for the job log
 */
public record ExportResult(ExportId id, boolean loaded, long rows, long token, String message) {
}
