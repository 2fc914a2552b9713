package io.zktoolkit.recovery.assignment;

/**
 * Runs one task on the worker it is assigned to. It may be restarted on another worker after a
 * failure, so it should resume from a checkpoint (written with {@link TaskContext#lease()})
 * rather than start over.
 */
@FunctionalInterface
public interface TaskRunner {
    /**
     * Runs {@code context.task()} to completion.
     *
     * <p>Call {@link TaskContext#checkCurrent()} before each side effect and write through
     * {@link TaskContext#lease()}: the task may be moved to another worker at any time (this
     * thread is then interrupted), and only writes fenced by the lease are refused reliably.
     *
     * <p>A run can be cut off after its last side effect and before its completion is recorded;
     * the task then runs again. Put the final ZooKeeper write into the completion with
     * {@link TaskContext#addToCompletion}, and make other final side effects recognisable (by a
     * checkpoint, or by looking for them first), so the next run does not repeat them.
     *
     * @return a short result recorded with the completion
     * @throws Exception to fail this attempt; the worker tries again while the task stays assigned to it
     */
    String run(TaskContext context) throws Exception;
}
