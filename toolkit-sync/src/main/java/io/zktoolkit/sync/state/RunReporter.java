package io.zktoolkit.sync.state;

import java.util.Map;
import java.util.Objects;

/**
 * Publishes one job's or task's state. Every call returns at once: the update is queued and
 * written in the background, coalesced with later updates of the same job or task, so a busy
 * publisher is never slowed by ZooKeeper. Illegal moves (a finished job running again, negative
 * progress) fail at the call, before anything is queued.
 */
public abstract sealed class RunReporter permits JobReporter, TaskReporter {
    private final String path;
    private final TrackedStatus tracked;
    private final StatusWriter writer;

    RunReporter(String path, TrackedStatus tracked, StatusWriter writer) {
        this.path = path;
        this.tracked = tracked;
        this.writer = writer;
    }

    /** The job or task id. */
    public String id() {
        return tracked.current().id();
    }

    /** The last status this publisher made (perhaps not yet written). */
    public RunStatus status() {
        return tracked.current();
    }

    /** Enters RUNNING. */
    public void running() {
        submit(tracked.enter(RunState.RUNNING, ""));
    }

    /** Reports progress while queued or running: {@code done} of {@code total} units (0 total when unknown). */
    public void progress(long done, long total) {
        submit(tracked.progress(done, total));
    }

    /** Adds or replaces one named value (a row count, an output path). */
    public void attribute(String name, String value) {
        attributes(Map.of(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")));
    }

    /** Adds or replaces named values. */
    public void attributes(Map<String, String> values) {
        submit(tracked.attributes(values));
    }

    /** Enters SUCCEEDED. */
    public void succeeded() {
        submit(tracked.enter(RunState.SUCCEEDED, ""));
    }

    /** Adds the results (row counts, durations) and enters SUCCEEDED, in one update. */
    public void succeeded(Map<String, String> results) {
        tracked.attributes(results);
        succeeded();
    }

    /** Enters FAILED with a reason watchers will read (past 4000 characters, shortened). */
    public void failed(String reason) {
        submit(tracked.enter(RunState.FAILED, requireReason(reason)));
    }

    /** Enters CANCELLED with a reason watchers will read (past 4000 characters, shortened). */
    public void cancelled(String reason) {
        submit(tracked.enter(RunState.CANCELLED, requireReason(reason)));
    }

    private String requireReason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException(tracked.current().id() + ": a failure or cancellation needs a reason for its watchers");
        }
        return reason;
    }

    final StatusWriter writer() {
        return writer;
    }

    private void submit(RunStatus status) {
        writer.submit(path, status);
    }
}
