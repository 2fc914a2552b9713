package io.zktoolkit.sync.state;

import java.util.Map;

/**
 * A job as the board's cached view last saw it.
 *
 * @param job            the job's status
 * @param tasks          its tasks' statuses by task id
 * @param publisherAlive whether the publishing process still holds its session
 */
public record JobSnapshot(RunStatus job, Map<String, RunStatus> tasks, boolean publisherAlive) {

    /** Copies the task map. */
    public JobSnapshot {
        tasks = Map.copyOf(tasks);
    }

    /** Not finished, and nobody publishes it any more: its process died or closed without finishing it. */
    public boolean isAbandoned() {
        return !job.state().isFinished() && !publisherAlive;
    }

    /** How many of its tasks are in {@code state}. */
    public long tasksIn(RunState state) {
        return tasks.values().stream().filter(t -> t.state() == state).count();
    }
}
