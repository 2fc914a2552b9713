package io.zktoolkit.sync.checkpoint;

import io.zktoolkit.config.AccessDeniedException;
import io.zktoolkit.config.ZnodeLimits;
import io.zktoolkit.sync.CorruptSyncDataException;
import io.zktoolkit.sync.OutcomeUnknownException;
import io.zktoolkit.sync.SyncException;

import io.zktoolkit.locks.FencedOwnership;
import io.zktoolkit.locks.LockLostException;
import io.zktoolkit.sync.checkpoint.CheckpointRejectedException.Reason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * One named checkpoint of a {@link CheckpointStore}: read it, and move it forward under a lock.
 *
 * <p>A write ({@link #advance}) is one ZooKeeper transaction that checks the lease's lock node
 * still exists, checks the checkpoint is still at the version the writer read, and sets the new
 * value. Before sending it, the writer refuses to move the checkpoint backwards in its order or
 * past a value written under a higher fencing token. So a holder whose session expired while it
 * worked, or one that read an old value, cannot move the checkpoint; nothing changes.
 */
public final class Checkpoint {
    private final CheckpointStore store;
    private final String name;
    private final String path;
    private final Comparator<String> order;

    Checkpoint(CheckpointStore store, String name, String path, Comparator<String> order) {
        this.store = store;
        this.name = name;
        this.path = path;
        this.order = order;
    }

    /** The checkpoint's name. */
    public String name() {
        return name;
    }

    /** Its znode, inside the client's namespace. */
    public String path() {
        return path;
    }

    /**
     * The checkpoint as stored now.
     *
     * @throws CorruptSyncDataException when the znode holds something this store did not write
     */
    public CheckpointSnapshot read() {
        Stat stat = new Stat();
        byte[] data;
        try {
            data = curator().getData().storingStatIn(stat).forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return CheckpointSnapshot.absent(name, path);
        } catch (Exception e) {
            AccessDeniedException.throwIfDenied(e, "read checkpoint " + name);
            throw new SyncException("Could not read checkpoint " + name + " at " + path + ": " + e, e);
        }
        return CheckpointFormat.decode(name, path, data, stat.getVersion());
    }

    /** Reads the checkpoint and moves it to {@code value}: {@link #advance(FencedOwnership, CheckpointSnapshot, String, String)} on a fresh read. */
    public CheckpointSnapshot advance(FencedOwnership lease, String value, String runId) {
        return advance(lease, read(), value, runId);
    }

    /**
     * Moves the checkpoint to {@code value}, if it is still as {@code basedOn} saw it.
     *
     * @param lease the lock that makes this writer the only one; its token is recorded
     * @param basedOn what the writer read before doing the work the new value stands for
     * @return the checkpoint after the write
     * @throws CheckpointRejectedException when the lease is lost, the stored value carries a
     *     higher token, the value would go backwards, or the checkpoint changed since
     *     {@code basedOn}; nothing was written
     * @throws OutcomeUnknownException when the connection failed and a read could not settle
     *     whether the write landed
     * @throws IllegalArgumentException when the order cannot read the value
     */
    public CheckpointSnapshot advance(FencedOwnership lease, CheckpointSnapshot basedOn, String value, String runId) {
        if (!basedOn.path().equals(path)) {
            throw new IllegalArgumentException("Checkpoint " + name + " cannot be written based on a read of " + basedOn.path());
        }
        CheckpointRecord stored = basedOn.current().orElse(null);
        try {
            lease.checkHeld();
        } catch (LockLostException e) {
            throw rejected(Reason.LEASE_LOST, lease, value, stored, e.getMessage(), e);
        }
        if (stored != null && stored.token() > lease.token()) {
            throw rejected(Reason.STALE_TOKEN, lease, value, stored,
                    "the stored value was written under a higher fencing token, so this writer's lease is stale", null);
        }
        if (stored != null && compare(value, stored.value()) < 0) {
            throw rejected(Reason.BACKWARDS, lease, value, stored, "the checkpoint never moves backwards", null);
        }
        CheckpointRecord next = new CheckpointRecord(value, lease.token(), runId, store.writer(),
                store.clock().instant(), UUID.randomUUID().toString());
        List<CheckpointRecord> earlier = new ArrayList<>();
        if (stored != null) {
            earlier.add(stored);
            earlier.addAll(basedOn.history());
        }
        List<CheckpointRecord> kept = earlier.subList(0, Math.min(earlier.size(), store.historySize()));
        byte[] data = ZnodeLimits.requireFits("Checkpoint " + name + " (" + path + ")", CheckpointFormat.encode(next, kept));
        try {
            lease.fencedWrite(List.of(writeOp(basedOn, data)));
            // setData moves the znode version by one; a create starts it at 0, which is ABSENT + 1.
            return new CheckpointSnapshot(name, path, next, kept, basedOn.zkVersion() + 1);
        } catch (LockLostException | IllegalArgumentException e) {
            return settle(lease, basedOn, next, e);
        }
    }

    private CuratorOp writeOp(CheckpointSnapshot basedOn, byte[] data) {
        try {
            if (basedOn.zkVersion() == CheckpointSnapshot.ABSENT) {
                createParents();
                return curator().transactionOp().create().forPath(path, data);
            }
            return curator().transactionOp().setData().withVersion(basedOn.zkVersion()).forPath(path, data);
        } catch (Exception e) {
            AccessDeniedException.throwIfDenied(e, "create the parent of checkpoint " + name);
            throw new SyncException("Could not prepare the write of checkpoint " + name + " at " + path + ": " + e, e);
        }
    }

    private void createParents() throws Exception {
        String parent = ZKPaths.getPathAndNode(path).getPath();
        try {
            curator().create().creatingParentContainersIfNeeded().forPath(parent);
        } catch (KeeperException.NodeExistsException e) {
            // Another writer, or an earlier checkpoint, made it: that is all this needed.
        }
    }

    /**
     * The transaction failed. It may still have landed: Curator retries a transaction whose reply
     * was lost, and the retry then fails the version check against the write it made itself. So
     * read back, and recognise the write by its id before reporting anything.
     */
    private CheckpointSnapshot settle(FencedOwnership lease, CheckpointSnapshot basedOn, CheckpointRecord next, RuntimeException failure) {
        Throwable cause = failure.getCause();
        CheckpointSnapshot now;
        try {
            now = read();
        } catch (SyncException e) {
            e.addSuppressed(failure);
            throw new OutcomeUnknownException("Checkpoint " + name + ": the write of " + next.value()
                    + " failed (" + failure.getMessage() + ") and the checkpoint could not be read back, so it may or may not have moved",
                    next.writeId(), e);
        }
        if (now.contains(next.writeId())) {
            return now;
        }
        CheckpointRecord stored = now.current().orElse(null);
        if (now.zkVersion() != basedOn.zkVersion()) {
            throw rejected(Reason.CONFLICT, lease, next.value(), stored, "it changed after this writer read it at "
                    + (basedOn.current().isPresent() ? "value " + basedOn.current().get().value() : "no value"), failure);
        }
        if (cause instanceof KeeperException.NoNodeException || lease.state() == FencedOwnership.State.LOST) {
            throw rejected(Reason.LEASE_LOST, lease, next.value(), stored, failure.getMessage(), failure);
        }
        throw new OutcomeUnknownException("Checkpoint " + name + ": the write of " + next.value()
                + " failed (" + failure.getMessage() + ") and may still land; read the checkpoint before retrying",
                next.writeId(), failure);
    }

    private int compare(String value, String storedValue) {
        try {
            return order.compare(value, storedValue);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Checkpoint " + name + ": cannot order the new value '" + value
                    + "' against the stored '" + storedValue + "': " + e.getMessage(), e);
        }
    }

    private CheckpointRejectedException rejected(Reason reason, FencedOwnership lease, String value,
            CheckpointRecord stored, String why, Throwable cause) {
        String storedPart = stored == null ? "nothing stored"
                : "stored " + stored.value() + " with token " + stored.token() + " by " + stored.writer()
                + " run " + stored.runId() + " at " + stored.writtenAt();
        return new CheckpointRejectedException(reason, name, lease.token(),
                stored == null ? OptionalLong.empty() : OptionalLong.of(stored.token()),
                "Checkpoint " + name + " (" + path + ") not moved to " + value + " with token " + lease.token()
                        + " (" + reason + "): " + why + "; " + storedPart + ". Nothing was written",
                cause);
    }

    private CuratorFramework curator() {
        return store.curator();
    }

    @Override
    public String toString() {
        return "Checkpoint[" + name + " at " + path + "]";
    }
}
