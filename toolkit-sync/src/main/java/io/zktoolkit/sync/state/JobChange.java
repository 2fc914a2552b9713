package io.zktoolkit.sync.state;

import java.util.List;

/**
 * One change a watcher sees: a job's or a task's new status, and the transitions it went through
 * since the watcher's last look. ZooKeeper may fold quick updates into one notification (a task
 * queued, running and succeeded within milliseconds); the transitions carried in each status
 * restore every step, in order.
 *
 * @param jobId             the job
 * @param taskId            the task, or null for the job itself
 * @param previous          what this watcher saw before, or null for the first sight
 * @param current           the new status
 * @param entered           the transitions since {@code previous}, oldest first (may be empty for progress)
 * @param transitionsMissed true when more transitions happened than the status keeps, so some are not in {@code entered}
 */
public record JobChange(String jobId, String taskId, RunStatus previous, RunStatus current, List<Transition> entered,
        boolean transitionsMissed) {

    /** Copies the list. */
    public JobChange {
        entered = List.copyOf(entered);
    }

    /** Whether this is about a task (else the job). */
    public boolean isTask() {
        return taskId != null;
    }
}
