package io.zktoolkit.examples.world.spark;

import io.zktoolkit.locks.spark.CommitResult;
import io.zktoolkit.locks.spark.PartitionCommits;
import io.zktoolkit.locks.spark.PartitionLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Publishes a staged output folder under the job guard's fencing: a one-task Spark stage takes
 * the partition lock of {@link io.zktoolkit.locks.spark.SparkJobGuard#partitionCommits()}, commits
 * (which also checks that this driver still holds the job) and only then renames the staged
 * folder into place. A driver that lost its guard (session expired, another driver took the job)
 * gets no commit, so its output never replaces the new holder's.
 *
 * <p>Why in a task and not on the driver: the commit and the rename then run under the same held
 * partition lock, on the same file system client an executor would use on a cluster.
 */
final class FencedPublish {
    private static final Duration LOCK_WAIT = Duration.ofMinutes(1);

    private FencedPublish() {
    }

    /**
     * Replaces {@code target} with {@code staged}.
     *
     * @return the commit's answer, as {@link CommitResult#toString()} prefixed by its outcome
     *         ({@code COMMITTED ...} when this run's output is in place); a text because task
     *         results travel serialized and the commit records are not
     */
    static String publish(SparkSession spark, PartitionCommits commits, java.nio.file.Path staged,
            java.nio.file.Path target) {
        String from = staged.toUri().toString();
        String to = target.toUri().toString();
        return JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(List.of(0), 1)
                .map(ignored -> commitAndRename(commits, from, to))
                .collect()
                .get(0);
    }

    private static String commitAndRename(PartitionCommits commits, String from, String to) {
        try (PartitionLock lock = commits.lockCurrentPartition(LOCK_WAIT)) {
            CommitResult result = lock.commit();
            if (result.committed()) {
                Path source = new Path(from);
                Path target = new Path(to);
                FileSystem fs = target.getFileSystem(new Configuration());
                // Delete then rename: readers may see no folder for a moment, never a half-written one.
                if (fs.exists(target) && !fs.delete(target, true)) {
                    throw new IOException("Cannot delete the previous output " + target);
                }
                if (!fs.rename(source, target)) {
                    throw new IOException("Cannot rename " + source + " to " + target);
                }
            }
            return result.outcome() + " " + result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
