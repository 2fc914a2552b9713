package io.zktoolkit.locks.spark;

import io.zktoolkit.config.TransactionFailure;
import io.zktoolkit.locks.LockLease;
import io.zktoolkit.locks.LockLostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;

/**
 * One attempt's hold on its partition's lock (see {@link PartitionCommits}), and the only way to
 * commit the partition. Close it on the thread that took it (Curator's lock is per thread),
 * after publishing or discarding the output.
 */
public final class PartitionLock implements AutoCloseable {
    private final PartitionCommits commits;
    private final TaskAttempt attempt;
    private final LockLease lease;
    private final CuratorFramework curator;
    private final String host;

    PartitionLock(PartitionCommits commits, TaskAttempt attempt, LockLease lease, CuratorFramework curator, String host) {
        this.commits = commits;
        this.attempt = attempt;
        this.lease = lease;
        this.curator = curator;
        this.host = host;
    }

    /** The attempt holding the lock. */
    public TaskAttempt attempt() {
        return attempt;
    }

    /** The lock's fencing token, for an output store that refuses writes with a lower one. */
    public long token() {
        return lease.token();
    }

    /** The underlying lease: state, listeners, fenced writes. */
    public LockLease lease() {
        return lease;
    }

    /** Throws {@link LockLostException} when the lock is lost or in doubt (see {@link LockLease#checkHeld()}). */
    public void checkHeld() {
        lease.checkHeld();
    }

    /** Same as {@link #commit(List)} with no writes of the job's own. */
    public CommitResult commit() {
        return commit(List.of());
    }

    /**
     * Commits the partition unless another attempt did: one ZooKeeper transaction that checks this
     * attempt's lock node (and the driver's job guard node, for a guarded run), creates the
     * partition's commit marker and applies {@code alsoWrite}, all or nothing.
     *
     * @param alsoWrite the job's own ZooKeeper writes that must land exactly when the commit does
     *        (for example the partition's output offsets)
     * @return {@link CommitResult.Outcome#COMMITTED}: publish the output;
     *         {@link CommitResult.Outcome#ALREADY_COMMITTED}: discard it, the result names the winner
     * @throws LockLostException when this attempt's lock or the run's job guard is gone, or the
     *         transaction's outcome is unknown: nothing may be published
     * @throws IllegalStateException when one of {@code alsoWrite} fails; nothing was committed
     */
    public CommitResult commit(List<CuratorOp> alsoWrite) {
        lease.checkHeld();
        CommitMarker mine = new CommitMarker(attempt, host, lease.token(), Instant.now());
        String markerPath = commits.markerPath(attempt.stageId(), attempt.partitionId());
        List<CuratorOp> ops = new ArrayList<>();
        try {
            ops.add(curator.transactionOp().check().forPath(lease.nodePath()));
            commits.guardNode().ifPresent(node -> ops.add(checkOp(node)));
            ops.add(curator.transactionOp().create().forPath(markerPath, mine.encode()));
        } catch (Exception e) {
            throw new IllegalStateException("Could not build the commit of " + attempt + ": " + e, e);
        }
        int markerOp = ops.size() - 1;
        ops.addAll(alsoWrite);
        boolean parentsCreated = false;
        while (true) {
            try {
                curator.transaction().forOperations(ops);
                return new CommitResult(CommitResult.Outcome.COMMITTED, attempt, mine);
            } catch (KeeperException e) {
                int failed = TransactionFailure.failedOp(e);
                if (failed == markerOp && e.code() == KeeperException.Code.NONODE && !parentsCreated) {
                    createParents(markerPath);
                    parentsCreated = true;
                    continue;
                }
                if (failed == markerOp && e.code() == KeeperException.Code.NODEEXISTS) {
                    return alreadyCommitted(markerPath, mine);
                }
                throw rejected(e, failed, markerOp);
            } catch (Exception e) {
                throw new LockLostException("Commit of " + attempt + " failed before ZooKeeper answered (" + e
                        + "); whether it landed is unknown, so do not publish this attempt's output. A later attempt"
                        + " learns the answer from marker " + markerPath, e);
            }
        }
    }

    /** Releases the lock. */
    @Override
    public void close() {
        lease.release();
    }

    @Override
    public String toString() {
        return "PartitionLock[" + commits.job() + " run " + commits.run() + ", " + attempt + ", token " + token()
                + ", " + lease.state() + "]";
    }

    private CuratorOp checkOp(String node) {
        try {
            return curator.transactionOp().check().forPath(node);
        } catch (Exception e) {
            throw new IllegalStateException("Invalid guard node " + node, e);
        }
    }

    /**
     * The marker exists. Usually another attempt's, but it may be this attempt's own: Curator
     * retries a transaction whose answer a connection loss swallowed, and the retry then finds
     * the marker the first try created.
     */
    private CommitResult alreadyCommitted(String markerPath, CommitMarker mine) {
        CommitMarker winner = commits.marker(attempt.stageId(), attempt.partitionId())
                .orElseThrow(() -> new LockLostException("Commit marker " + markerPath
                        + " existed a moment ago and is gone now: the run's markers were cleared while "
                        + attempt + " committed; do not publish its output"));
        boolean ours = winner.attempt().taskAttemptId() == attempt.taskAttemptId() && winner.token() == mine.token();
        return new CommitResult(ours ? CommitResult.Outcome.COMMITTED : CommitResult.Outcome.ALREADY_COMMITTED,
                attempt, winner);
    }

    private RuntimeException rejected(KeeperException e, int failed, int markerOp) {
        String nothing = "; nothing was committed, so discard this attempt's output";
        if (failed == 0) {
            return new LockLostException("Commit of " + attempt + " rejected: its partition lock " + lease.nodePath()
                    + " (token " + lease.token() + ") is gone, its ZooKeeper session expired or the lock was released"
                    + nothing, e);
        }
        if (failed == 1 && commits.guardNode().isPresent()) {
            return new LockLostException("Commit of " + attempt + " rejected: the driver of " + commits.job() + " run "
                    + commits.run() + " no longer holds its job guard (" + commits.guardNode().orElseThrow()
                    + " is gone), so this run is over" + nothing, e);
        }
        if (failed > markerOp) {
            return new IllegalStateException("Commit of " + attempt + " rejected at the job's own write #"
                    + (failed - markerOp) + " (" + e.code() + ")" + nothing, e);
        }
        return new LockLostException("Commit of " + attempt + " rejected by ZooKeeper (" + e.code() + " at operation "
                + failed + ")" + nothing, e);
    }

    private void createParents(String markerPath) {
        String parent = markerPath.substring(0, markerPath.lastIndexOf('/'));
        try {
            // Persistent, not containers: an empty stage node may be kept until clear(), while a
            // container could vanish between this create and the commit transaction.
            curator.create().creatingParentsIfNeeded().forPath(parent);
        } catch (KeeperException.NodeExistsException e) {
            // another attempt created it
        } catch (Exception e) {
            throw new LockLostException("Could not create " + parent + " for the commit of " + attempt + ": " + e
                    + "; nothing was committed, so discard this attempt's output", e);
        }
    }
}
