package io.zktoolkit.sync.sqoop;

/**
 * The steps of one {@link CheckpointedImport} run, in order, as told to an
 * {@link ImportPhaseListener}. A crash between any two of them is recovered by the next run.
 */
public enum ImportPhase {
    /** The table's guard is held; everything after this is fenced by its lease. */
    GUARDED,
    /** Earlier runs' pending output was published (its checkpoint was written) or deleted (it was not). */
    RECOVERED,
    /** Sqoop is about to run: code generation, then the MapReduce job. */
    SQOOP_STARTED,
    /** Sqoop returned; its exit code and new last value are not yet checked. */
    SQOOP_RETURNED,
    /** The output holds as many records as the source's rows in the run's range. */
    OUTPUT_CHECKED,
    /** The checkpoint records the new last value and this run's id: the run is committed. */
    CHECKPOINT_WRITTEN,
    /** The run's files were moved from the pending folder into the target folder. */
    PUBLISHED
}
