package io.zktoolkit.sync.state;

/** Where a job or a task is in its life. The last three are final: nothing follows them. */
public enum RunState {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    /** True for SUCCEEDED, FAILED and CANCELLED. */
    public boolean isFinished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
