package io.zktoolkit.locks.spark;

/**
 * What {@link PartitionLock#commit()} decided for one attempt.
 *
 * @param outcome whether this attempt's output is the partition's output
 * @param attempt the attempt that asked
 * @param winner the partition's commit record: this attempt's own when it committed, else the
 *        earlier attempt's
 */
public record CommitResult(Outcome outcome, TaskAttempt attempt, CommitMarker winner) {

    /** The two answers a commit can get. */
    public enum Outcome {
        /** This attempt committed: publish its output. */
        COMMITTED,
        /** Another attempt committed first: discard this attempt's output. */
        ALREADY_COMMITTED
    }

    /** Whether this attempt committed and must publish its output. */
    public boolean committed() {
        return outcome == Outcome.COMMITTED;
    }

    @Override
    public String toString() {
        String partition = "partition " + attempt.partitionId() + " of stage " + attempt.stageId();
        return outcome == Outcome.COMMITTED
                ? partition + " committed by " + winner
                : attempt + ": " + partition + " was already committed by " + winner
                        + "; discard this attempt's output";
    }
}
