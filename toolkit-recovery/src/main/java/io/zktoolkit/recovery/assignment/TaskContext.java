package io.zktoolkit.recovery.assignment;

import io.zktoolkit.locks.ConditionalOwnership;
import io.zktoolkit.locks.FencedOwnership;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.curator.framework.api.transaction.CuratorOp;

/**
 * One run of a task by the worker it is assigned to.
 */
public final class TaskContext {
    private final String task;
    private final String assignmentPath;
    private final int epoch;
    private final ConditionalOwnership lease;
    private final Consumer<String> progress;
    private final List<CuratorOp> completionOps = new ArrayList<>();

    TaskContext(String task, String assignmentPath, int epoch, ConditionalOwnership lease, Consumer<String> progress) {
        this.task = task;
        this.assignmentPath = assignmentPath;
        this.epoch = epoch;
        this.lease = lease;
        this.progress = progress;
    }

    /** The task. */
    public String task() {
        return task;
    }

    /**
     * The task's assignment node: a store that fences its own writes (for example a
     * {@code CheckpointedImport} with {@code commitCondition}) conditions them on this node staying
     * at {@link #epoch()}.
     */
    public String assignmentPath() {
        return assignmentPath;
    }

    /** The assignment epoch this run works under: the assignment node's version. */
    public int epoch() {
        return epoch;
    }

    /**
     * The run's lease: held while this worker holds the task's lock and the assignment stays at
     * this epoch. Write checkpoints and other ZooKeeper state through it; its token (the task
     * lock's) goes with writes to outside resources.
     */
    public FencedOwnership lease() {
        return lease;
    }

    /**
     * Throws unless the run may still act: the task was not moved, the session lives, and the
     * connection is not in doubt (under the default {@code zk.ownership.lost.on=suspended}).
     *
     * @throws io.zktoolkit.locks.LockLostException saying why
     */
    public void checkCurrent() {
        lease.checkHeld();
    }

    /**
     * Adds {@code op} to the transaction that records this run's completion, which also checks
     * the task's lock and epoch: the run's final ZooKeeper write and its completion land together
     * or not at all, so a run cut off between them is never committed twice by the next one.
     */
    public synchronized void addToCompletion(CuratorOp op) {
        completionOps.add(op);
    }

    synchronized List<CuratorOp> completionOps() {
        return List.copyOf(completionOps);
    }

    /** Reports progress with the member's next heartbeat. */
    public void reportProgress(String value) {
        progress.accept(task + ": " + value);
    }
}
