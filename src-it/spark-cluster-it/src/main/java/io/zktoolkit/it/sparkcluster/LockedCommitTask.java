package io.zktoolkit.it.sparkcluster;

import io.zktoolkit.locks.spark.PartitionCommits;
import io.zktoolkit.locks.spark.PartitionLock;
import java.time.Duration;
import java.util.Iterator;
import org.apache.spark.api.java.function.VoidFunction;

/**
 * A task that does nothing but, when given commits, take its partition's lock, commit and release
 * it: what the partition-commit protocol adds to a task, for measuring that cost on a cluster.
 */
public final class LockedCommitTask implements VoidFunction<Iterator<Integer>> {
    private static final long serialVersionUID = 1L;

    private final PartitionCommits commits;

    /** @param commits the commits to take, or {@code null} for a task without any */
    public LockedCommitTask(PartitionCommits commits) {
        this.commits = commits;
    }

    @Override
    public void call(Iterator<Integer> rows) {
        rows.forEachRemaining(row -> { });
        if (commits != null) {
            try (PartitionLock lock = commits.lockCurrentPartition(Duration.ofSeconds(30))) {
                if (!lock.commit().committed()) {
                    throw new IllegalStateException("partition committed twice: " + lock.attempt());
                }
            }
        }
    }
}
