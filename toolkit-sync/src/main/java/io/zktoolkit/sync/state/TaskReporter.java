package io.zktoolkit.sync.state;

/**
 * Publishes one task of a job. A task that failed or was cancelled may run again (a retried
 * attempt); each transition stays in its history.
 */
public final class TaskReporter extends RunReporter {
    TaskReporter(String path, TrackedStatus tracked, StatusWriter writer) {
        super(path, tracked, writer);
    }
}
