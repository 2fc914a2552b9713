package io.zktoolkit.locks;

import io.zktoolkit.config.AccessDeniedException;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.audit.AuditAction;
import io.zktoolkit.config.audit.AuditRecord;
import io.zktoolkit.config.audit.AuditTrail;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;

/**
 * The operator's last resort for a lock whose holder hangs without losing its session: deletes
 * the holder's node, so the next waiter proceeds with a higher fencing token, and records a
 * {@link AuditAction#LOCK_BREAK} entry naming the broken holder and its token in the same
 * transaction. The broken holder is fenced, not stopped: its fenced writes are refused from then
 * on, and resources that keep the highest token refuse its token.
 *
 * <p>Works on {@link FencedMutex} locks (one holder); read-write and Hive queues, where several
 * holders may share a lock, are refused.
 */
public final class LockBreaker {
    private final CuratorFramework curator;
    private final AuditTrail audit;
    private final LockInspector inspector;

    /** A breaker recording in the default {@link AuditTrail} of {@code client}. */
    public LockBreaker(ToolkitClient client) {
        this(client.curator(), AuditTrail.builder(client).build());
    }

    /** A breaker on a plain Curator client, recording in {@code audit}. */
    public LockBreaker(CuratorFramework curator, AuditTrail audit) {
        this.curator = Objects.requireNonNull(curator, "curator");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.inspector = new LockInspector(curator);
    }

    /**
     * What was broken.
     *
     * @param path the lock's path
     * @param node the holder's deleted node
     * @param holder who held it
     * @param token the broken holder's fencing token; the next holder's is higher
     */
    public record BrokenLock(String path, String node, Holder holder, long token) {
    }

    /**
     * Deletes the current holder's node of the mutex at {@code path} and records why.
     *
     * @param reason why, for the audit trail; required
     * @throws IllegalArgumentException for a blank reason or a shared-exclusive queue
     * @throws IllegalStateException when nobody holds the lock, or the holder released it meanwhile;
     *         nothing was broken or recorded
     * @throws io.zktoolkit.config.AccessDeniedException when the node's ACL refuses this client; nothing was broken or recorded
     * @throws Exception from ZooKeeper; nothing was broken or recorded
     */
    public BrokenLock breakLock(String path, String reason) throws Exception {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("Breaking lock " + path + " needs a reason: it goes into the audit trail");
        }
        org.apache.zookeeper.common.PathUtils.validatePath(path);
        List<LockInspector.Participant> line = inspector.inLine(path, QueueNodeName.LOCK_MARK);
        if (line.isEmpty()) {
            throw new IllegalStateException("Lock " + path + " is not held: nothing to break (see 'zktoolkit locks')");
        }
        if (line.stream().anyMatch(p -> QueueNodeName.parse(p.name()).isPresent())) {
            throw new IllegalArgumentException("Lock " + path + " is a read-write or Hive lock queue, where several holders"
                    + " may share the lock; only mutex locks (FencedMutex) can be broken");
        }
        LockInspector.Participant head = line.get(0);
        BrokenLock broken = new BrokenLock(path, ZKPaths.makePath(path, head.name()), Holder.decode(head.data()),
                head.stat().getCzxid());
        List<CuratorOp> delete = List.of(curator.transactionOp().delete().withVersion(head.stat().getVersion()).forPath(broken.node()));
        try {
            audit.commit(delete,
                    new AuditRecord(AuditAction.LOCK_BREAK, path, reason, Map.of("holder", broken.holder().toString(),
                            "token", Long.toString(broken.token()), "node", broken.node())));
        } catch (KeeperException.NoNodeException | KeeperException.BadVersionException released) {
            throw new IllegalStateException("Lock " + path + " changed hands while it was being broken (holder "
                    + broken.holder() + ", token " + broken.token() + " released it); nothing was broken or recorded", released);
        } catch (KeeperException.NoAuthException denied) {
            AccessDeniedException.throwIfDenied(denied, "break lock " + path, delete);
        }
        return broken;
    }
}
