package io.zktoolkit.locks.spark;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.FencedMutex;
import io.zktoolkit.locks.Holder;
import io.zktoolkit.locks.LockInspector;
import io.zktoolkit.locks.LockLease;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * At most one attempt commits each partition of a Spark job's output, however many attempts
 * speculation and retries run. Create it on the driver, capture it in the task closure (it is
 * serializable and holds only settings and names), and in each task take the partition's lock,
 * then {@link PartitionLock#commit() commit}: publish the output only when the answer is
 * {@link CommitResult#committed()}.
 *
 * <pre>{@code
 * PartitionCommits commits = PartitionCommits.forRun(PortableSettings.of(zk), "daily-orders", sc.applicationId());
 * rdd.foreachPartition(rows -> {
 *     Path staged = writeToStaging(rows);
 *     try (PartitionLock lock = commits.lockCurrentPartition(Duration.ofMinutes(1))) {
 *         if (lock.commit().committed()) publish(staged); else discard(staged);
 *     }
 * });
 * commits.clear();   // on the driver, once the job's output is complete
 * }</pre>
 *
 * <p><b>Keys.</b> Locks and markers are keyed by job, run, stage and partition, never by attempt
 * number: two attempts of one partition must meet on the same lock and the same marker.
 * Locks live at {@value #LOCK_ROOT}{@code /<job>/<run>/stage-<s>/partition-<p>} (so
 * {@link LockInspector} shows which attempt holds one) and vanish with their last holder;
 * markers live at {@value #ROOT}{@code /<job>/<run>/stage-<s>/partition-<p>} until
 * {@link #clear()}.
 *
 * <p><b>Why a lock and a marker.</b> The marker's create-if-absent decides the winner. The
 * lock's check in the same transaction makes sure an attempt whose session expired (a paused
 * executor) cannot commit late, and the lock is held while the winner publishes, with a
 * {@linkplain PartitionLock#token() fencing token} for the output store. A commit of a run
 * started by {@link SparkJobGuard#partitionCommits()} also checks that the driver still holds
 * the job: a zombie driver's tasks cannot commit after another driver took over.
 *
 * <p><b>What it cannot do.</b> An attempt that committed and then died before publishing leaves
 * the partition committed without output; later attempts are told it is already committed.
 * Publish with one atomic step (a rename, or ZooKeeper writes passed to
 * {@link PartitionLock#commit(java.util.List)}) and check {@link #markers()} against the output
 * before declaring the job done.
 */
public final class PartitionCommits implements Serializable {
    /** Where commit markers live, under the client's namespace. */
    public static final String ROOT = "/commits/spark";
    /** Where partition locks live, under the client's namespace. */
    public static final String LOCK_ROOT = FencedMutex.ROOT + "/spark/partitions";

    private static final long serialVersionUID = 1L;

    private final PortableSettings settings;
    private final String job;
    private final String run;
    /** The job guard's lock node, which must exist for a commit; null when the run has no guard. */
    private final String guardNode;

    private PartitionCommits(PortableSettings settings, String job, String run, String guardNode) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.job = ZnodeName.check(job, "Job name");
        this.run = ZnodeName.check(run, "Run id");
        this.guardNode = guardNode;
    }

    /**
     * Commits for one run of a job.
     *
     * @param job the job's name, the same in every run (letters, digits, '.', '_', '-')
     * @param run this run's id, different in every run, for example {@code sc.applicationId()}:
     *        markers of one run never decide another's
     */
    public static PartitionCommits forRun(PortableSettings settings, String job, String run) {
        return new PartitionCommits(settings, job, run, null);
    }

    /** Commits whose transactions also check that the driver's job guard still exists. */
    static PartitionCommits guardedBy(PortableSettings settings, String job, String run, String guardNode) {
        return new PartitionCommits(settings, job, run, Objects.requireNonNull(guardNode, "guardNode"));
    }

    /** The job's name. */
    public String job() {
        return job;
    }

    /** The run's id. */
    public String run() {
        return run;
    }

    /** The settings executors connect with. */
    public PortableSettings settings() {
        return settings;
    }

    /**
     * Takes the lock of the partition the calling task computes. Call it from the task's own
     * thread; close the lock on that thread too.
     *
     * @throws PartitionBusyException when another attempt holds it for longer than {@code wait}
     * @throws IllegalStateException outside a Spark task
     * @throws io.zktoolkit.config.ZooKeeperUnavailableException when the ensemble cannot be reached
     */
    public PartitionLock lockCurrentPartition(Duration wait) {
        return lockPartition(TaskAttempt.current(), wait);
    }

    /**
     * Takes the lock of {@code attempt}'s partition, for code that knows its attempt without a
     * {@code TaskContext}.
     *
     * @throws PartitionBusyException when another attempt holds it for longer than {@code wait}
     * @throws io.zktoolkit.config.ZooKeeperUnavailableException naming the connect string, when
     *         the ensemble cannot be reached within {@code zk.connection.timeout}
     */
    public PartitionLock lockPartition(TaskAttempt attempt, Duration wait) {
        ToolkitClient zk = ExecutorClients.client(settings);
        EnsembleReachability.awaitConnected(zk, attempt.toString());
        String lockPath = lockPath(attempt.stageId(), attempt.partitionId());
        Holder holder = Holder.current(job + " run " + run + ", " + attempt);
        Optional<LockLease> lease = new FencedMutex(zk.curator(), lockPath, holder).acquire(wait);
        if (lease.isEmpty()) {
            throw new PartitionBusyException("Partition " + attempt.partitionId() + " of stage " + attempt.stageId()
                    + " of " + job + " run " + run + " is locked by " + holderOf(zk, lockPath) + "; " + attempt
                    + " waited " + wait.toMillis() + " ms for lock " + lockPath);
        }
        return new PartitionLock(this, attempt, lease.get(), zk.curator(), holder.host());
    }

    /** The commit record of one partition, if it was committed. */
    public Optional<CommitMarker> marker(int stageId, int partitionId) {
        String path = markerPath(stageId, partitionId);
        try {
            return Optional.of(CommitMarker.decode(path, curator().getData().forPath(path)));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Could not read commit marker " + path + ": " + e, e);
        }
    }

    /** Every partition committed in this run, by stage and partition: for the driver to check before declaring the output complete. */
    public List<CommitMarker> markers() {
        CuratorFramework curator = curator();
        List<CommitMarker> found = new ArrayList<>();
        try {
            for (String stage : childrenOf(curator, runPath())) {
                for (String partition : childrenOf(curator, runPath() + "/" + stage)) {
                    String path = runPath() + "/" + stage + "/" + partition;
                    try {
                        found.add(CommitMarker.decode(path, curator.getData().forPath(path)));
                    } catch (KeeperException.NoNodeException cleared) {
                        // cleared while we read
                    }
                }
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Could not list the commit markers under " + runPath() + ": " + e, e);
        }
        found.sort(Comparator.comparingInt((CommitMarker m) -> m.attempt().stageId())
                .thenComparingInt(m -> m.attempt().partitionId()));
        return found;
    }

    /**
     * Deletes this run's markers. Call it on the driver once the job's output is complete (or
     * abandoned); a run's markers have no use after that, and without this they would pile up
     * run after run. Locks need no clearing: ZooKeeper deletes their nodes when released.
     */
    public void clear() {
        try {
            curator().delete().deletingChildrenIfNeeded().forPath(runPath());
        } catch (KeeperException.NoNodeException e) {
            // nothing committed, or cleared already
        } catch (Exception e) {
            throw new IllegalStateException("Could not delete the commit markers under " + runPath() + ": " + e, e);
        }
    }

    String lockPath(int stageId, int partitionId) {
        return LOCK_ROOT + "/" + job + "/" + run + "/" + partitionSuffix(stageId, partitionId);
    }

    String markerPath(int stageId, int partitionId) {
        return runPath() + "/" + partitionSuffix(stageId, partitionId);
    }

    String runPath() {
        return ROOT + "/" + job + "/" + run;
    }

    Optional<String> guardNode() {
        return Optional.ofNullable(guardNode);
    }

    private static String partitionSuffix(int stageId, int partitionId) {
        return "stage-" + stageId + "/partition-" + partitionId;
    }

    private CuratorFramework curator() {
        return ExecutorClients.client(settings).curator();
    }

    private static List<String> childrenOf(CuratorFramework curator, String path) throws Exception {
        try {
            return curator.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }

    private static String holderOf(ToolkitClient zk, String lockPath) {
        try {
            return new LockInspector(zk).lock(lockPath)
                    .map(l -> l.holder() + " since " + l.since() + " (token " + l.token() + ")")
                    .orElse("another attempt (released meanwhile)");
        } catch (Exception e) {
            return "another attempt";
        }
    }

    @Override
    public String toString() {
        return "PartitionCommits[" + job + " run " + run + (guardNode == null ? "" : ", guarded by " + guardNode)
                + ", " + settings + "]";
    }
}
