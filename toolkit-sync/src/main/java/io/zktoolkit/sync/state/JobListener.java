package io.zktoolkit.sync.state;

/**
 * Told about changes on a {@link JobBoard}. Called on the board's event thread, one change at a
 * time and in order for each job and task: return quickly, hand long work to another thread.
 */
public interface JobListener {

    /** A job or task was published or changed. */
    void changed(JobChange change);

    /** The job's publisher is gone (process died or closed) while the job had not finished. */
    default void abandoned(String jobId, RunStatus last) {
    }

    /** The job left the board (retention ran out, or someone removed it). */
    default void removed(String jobId) {
    }
}
