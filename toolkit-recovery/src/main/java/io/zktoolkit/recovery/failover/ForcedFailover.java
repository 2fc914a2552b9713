package io.zktoolkit.recovery.failover;

import io.zktoolkit.config.AccessDeniedException;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.audit.AuditAction;
import io.zktoolkit.config.audit.AuditRecord;
import io.zktoolkit.config.audit.AuditTrail;
import io.zktoolkit.locks.Breadcrumb;
import io.zktoolkit.locks.LockInspector.LeaderNode;
import io.zktoolkit.locks.LockInspector;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;

/**
 * An operator's forced failover of an {@link ActiveStandby} group: deletes the leader's election
 * node and records {@link AuditAction#FORCED_FAILOVER} in the same transaction. The leader steps
 * down (its service is told {@code becomeStandby}, then it rejoins as a standby) and the first
 * standby takes over, fencing it with a higher epoch; an active that hangs does not need to
 * cooperate, since the epoch fences it either way.
 *
 * <pre>{@code
 * ForcedFailover.Result r = new ForcedFailover(zk).failover("streaming-orders", "drain edge-3 for patching");
 * }</pre>
 */
public final class ForcedFailover {
    private final ToolkitClient zk;
    private final AuditTrail audit;

    /** Recording in the default {@link AuditTrail} of {@code zk}. */
    public ForcedFailover(ToolkitClient zk) {
        this(zk, AuditTrail.builder(zk).build());
    }

    /** Recording in {@code audit}. */
    public ForcedFailover(ToolkitClient zk, AuditTrail audit) {
        this.zk = Objects.requireNonNull(zk, "zk");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /**
     * What was forced.
     *
     * @param leader the participant made to step down, and its token
     * @param lastActive who had last fenced its way to active, if anyone (normally the same participant)
     * @param epoch the group's epoch before the failover; the next active raises it past the leader's token
     */
    public record Result(LeaderNode leader, Optional<Breadcrumb> lastActive, OptionalLong epoch) {
    }

    /**
     * Makes the leader of {@code group} step down.
     *
     * @param reason why, for the audit trail; required
     * @throws IllegalArgumentException for a blank reason or an invalid group name
     * @throws IllegalStateException when the group has no participants or its leader changed meanwhile;
     *         nothing was changed or recorded
     * @throws io.zktoolkit.config.AccessDeniedException when the leader's node refuses this client; nothing was changed or recorded
     * @throws Exception from ZooKeeper; nothing was changed or recorded
     */
    public Result failover(String group, String reason) throws Exception {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("A forced failover of " + group + " needs a reason: it goes into the audit trail");
        }
        LeaderNode leader = new LockInspector(zk).latchLeader(group).orElseThrow(() -> new IllegalStateException(
                "Group " + group + " has no participants: nobody is active, nothing to fail over (see 'zktoolkit locks')"));
        LastActive last = new LastActive(zk.curator(), group);
        Optional<Breadcrumb> lastActive = last.read();
        OptionalLong epoch = new EpochFence(zk.curator(), "/failover/" + group + "/epoch").current();
        Map<String, String> details = new TreeMap<>();
        details.put("leader", leader.participantId());
        details.put("token", Long.toString(leader.token()));
        details.put("node", leader.node());
        details.put("standbys", Integer.toString(leader.standbys()));
        epoch.ifPresent(e -> details.put("epoch", Long.toString(e)));
        lastActive.ifPresent(a -> details.put("lastActive", a.participantId() + " token " + a.token()));
        List<CuratorOp> delete = List.of(zk.curator().transactionOp().delete().forPath(leader.node()));
        try {
            audit.commit(delete,
                    new AuditRecord(AuditAction.FORCED_FAILOVER, "/failover/" + group, reason, details));
        } catch (KeeperException.NoNodeException gone) {
            throw new IllegalStateException("The leader of " + group + " (" + leader.participantId() + ", token "
                    + leader.token() + ") left while the failover was being forced; nothing was changed or recorded", gone);
        } catch (KeeperException.NoAuthException denied) {
            AccessDeniedException.throwIfDenied(denied, "force a failover of group " + group, delete);
        }
        return new Result(leader, lastActive, epoch);
    }
}
