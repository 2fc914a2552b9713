package io.zktoolkit.locks.spark;

import java.io.Serializable;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * One attempt of one task: which partition of which stage it computes, and which of that
 * partition's attempts it is. Speculation and retries run several attempts of one partition,
 * possibly at the same time; {@link PartitionCommits} therefore keys its locks and markers by
 * stage and partition only, and records the attempt to say who committed.
 *
 * @param stageId the stage
 * @param partitionId the partition within the stage
 * @param attemptNumber 0 for the first attempt of the partition, higher for retries and speculative copies
 * @param taskAttemptId Spark's id of this attempt, unique within the application (the "TID" in Spark's logs)
 * @param executorId the executor running it ({@code driver} in local mode)
 */
public record TaskAttempt(int stageId, int partitionId, int attemptNumber, long taskAttemptId, String executorId)
        implements Serializable {

    /** Validates the numbers. */
    public TaskAttempt {
        if (stageId < 0 || partitionId < 0 || attemptNumber < 0) {
            throw new IllegalArgumentException("stage, partition and attempt must not be negative: stage " + stageId
                    + ", partition " + partitionId + ", attempt " + attemptNumber);
        }
        if (executorId == null || executorId.isBlank()) {
            throw new IllegalArgumentException("executorId must not be blank");
        }
    }

    /**
     * The attempt running on this thread, from Spark's {@link TaskContext}.
     *
     * @throws IllegalStateException outside a Spark task (on the driver, or on a thread the task started)
     */
    public static TaskAttempt current() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            throw new IllegalStateException("Not inside a Spark task: TaskContext.get() is null on thread "
                    + Thread.currentThread().getName() + ". Call this from the task's own thread (in foreachPartition,"
                    + " mapPartitions...), or pass a TaskAttempt to PartitionCommits.lockPartition");
        }
        return new TaskAttempt(task.stageId(), task.partitionId(), task.attemptNumber(), task.taskAttemptId(),
                SparkEnv.get().executorId());
    }

    @Override
    public String toString() {
        return "attempt " + attemptNumber + " of partition " + partitionId + " of stage " + stageId
                + " (TID " + taskAttemptId + " on executor " + executorId + ")";
    }
}
