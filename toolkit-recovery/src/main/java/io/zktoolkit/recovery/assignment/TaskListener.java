package io.zktoolkit.recovery.assignment;

/** Told what this worker does with its tasks. Every method has an empty default; calls come from worker threads. */
public interface TaskListener {
    /** A run started under {@code epoch}. */
    default void started(String task, int epoch) {
    }

    /** A run completed and its completion was recorded. */
    default void completed(Completion completion) {
    }

    /** A run was stopped because the task moved away or this member lost its identity. */
    default void revoked(String task, int epoch, String why) {
    }

    /** A run failed; it is tried again while the task stays assigned here. */
    default void failed(String task, int epoch, Exception error) {
    }
}
