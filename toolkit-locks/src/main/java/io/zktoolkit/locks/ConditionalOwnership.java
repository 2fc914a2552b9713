package io.zktoolkit.locks;

import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.data.Stat;

/**
 * Ownership that holds while a base ownership holds <em>and</em> a condition node stays at the
 * version it was granted at: for example a worker's task lock plus the task's assignment, which
 * the fleet's leader moves to another worker by writing the assignment node.
 *
 * <p>Every {@link #fencedWrite} carries both checks in one transaction (the base's lock node
 * exists, the condition node is still at its version), so a holder whose work was reassigned
 * cannot write even while its lock and session are fine. The token is the base's, so stores
 * that keep the highest token (checkpoints) order writers by the base lock. Releasing this
 * ownership does not release the base; its owner does.
 */
public final class ConditionalOwnership extends FencedOwnership {
    private final FencedOwnership base;
    private final String conditionPath;
    private final int conditionVersion;

    private ConditionalOwnership(FencedOwnership base, String description, String conditionPath, int conditionVersion) {
        super(base.curator(), description, base.nodePath(), base.token());
        this.base = base;
        this.conditionPath = conditionPath;
        this.conditionVersion = conditionVersion;
    }

    /**
     * {@code base}, further conditioned on {@code conditionPath} staying at {@code conditionVersion}.
     *
     * @param description what is owned, for messages, for example "task orders (epoch 7)"
     */
    public static ConditionalOwnership of(FencedOwnership base, String description, String conditionPath, int conditionVersion) {
        if (conditionVersion < 0) {
            throw new IllegalArgumentException("A condition needs a znode version (0 or more), got " + conditionVersion);
        }
        return new ConditionalOwnership(base, description, conditionPath, conditionVersion);
    }

    /** The node whose version is the condition. */
    public String conditionPath() {
        return conditionPath;
    }

    /** The version the condition node must stay at. */
    public int conditionVersion() {
        return conditionVersion;
    }

    /** Throws unless both the base and this ownership may act. No ZooKeeper round trip. */
    @Override
    public void checkHeld() {
        base.checkHeld();
        super.checkHeld();
    }

    /**
     * Marks this ownership lost because the condition moved on, as a watcher of the condition
     * node learns before any write tries: {@link #checkHeld()} fails from now on.
     */
    public void revoke(String why) {
        markLost(why);
    }

    /**
     * Applies {@code ops} with a check that the base still holds and the condition node is still
     * at its version: all of them, or none.
     *
     * @throws LockLostException when the base lost its lock or the condition moved on; nothing was written
     * @throws FencedWriteOutcomeUnknownException when the connection dropped mid-call
     */
    @Override
    public void fencedWrite(List<CuratorOp> ops) {
        List<CuratorOp> all = new ArrayList<>(ops.size() + 1);
        try {
            all.add(curator().transactionOp().check().withVersion(conditionVersion).forPath(conditionPath));
        } catch (Exception e) {
            throw new IllegalArgumentException("Invalid condition path " + conditionPath + ": " + e, e);
        }
        all.addAll(ops);
        try {
            base.fencedWrite(all);
        } catch (LockLostException | IllegalArgumentException e) {
            String moved = conditionMoved();
            if (moved == null) {
                throw e;
            }
            markLost(moved);
            throw new LockLostException("Write rejected: " + description() + " is no longer held: " + moved
                    + ". Nothing was written", e);
        }
    }

    /** Why the condition no longer holds, or null when it still does (so the failure was elsewhere). */
    private String conditionMoved() {
        try {
            Stat stat = curator().checkExists().forPath(conditionPath);
            if (stat == null) {
                return conditionPath + " is gone";
            }
            return stat.getVersion() == conditionVersion ? null
                    : conditionPath + " moved from version " + conditionVersion + " to " + stat.getVersion();
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    void onRelease() {
        // The base is its owner's to release; this view just stops following the connection.
    }
}
