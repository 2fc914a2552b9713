package io.zktoolkit.config.audit;

import io.zktoolkit.config.AccessDeniedException;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.TransactionFailure;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who changed what, when: one persistent sequential znode per change under a root (default
 * {@value #DEFAULT_ROOT}, inside the client's namespace), readable with {@link #read} and
 * {@code zktoolkit audit}.
 *
 * <p><b>Design.</b> {@link #commit} sends the change's operations and the entry's create as one
 * ZooKeeper transaction, so the two never diverge: a change refused (version conflict, NoAuth,
 * a lost connection before the commit) leaves no entry, and a change that lands has its entry.
 * The entry's creation time and zxid are the ensemble's, so entries from clients with skewed
 * clocks still order and date correctly; the writer's own clock is kept beside them. Entries are
 * created with the client's ACL mode, like every toolkit node. The oldest entries beyond
 * {@link Builder#retention(int) the retention} are deleted after each commit, not inside it, so
 * the trimming never makes a change fail.
 *
 * <pre>{@code
 * AuditTrail audit = AuditTrail.builder(zk).actor("alice (CHG-1234)").build();
 * audit.commit(List.of(deleteOp), new AuditRecord(AuditAction.LOCK_BREAK, "/locks/orders", "holder hung", details));
 * }</pre>
 */
public final class AuditTrail {
    /** Where entries live by default. */
    public static final String DEFAULT_ROOT = "/audit";
    private static final String ENTRY = "entry-";
    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);

    private final CuratorFramework curator;
    private final String root;
    private final int retention;
    private final AuditActor actor;
    private final Clock clock;
    private volatile boolean rootKnown;

    private AuditTrail(Builder b) {
        this.curator = b.curator;
        this.root = b.root;
        this.retention = b.retention;
        this.actor = AuditActor.current(b.settings, b.actor);
        this.clock = b.clock;
    }

    /** A trail on a toolkit client: entries name its digest user. */
    public static Builder builder(ToolkitClient client) {
        return new Builder(client.curator(), client.settings());
    }

    /** A trail on a plain Curator client: entries cannot name a digest user. */
    public static Builder builder(CuratorFramework curator) {
        return new Builder(curator, null);
    }

    /** Who this trail's entries name. */
    public AuditActor actor() {
        return actor;
    }

    /** The root znode, inside the client's namespace. */
    public String root() {
        return root;
    }

    /**
     * Applies {@code change} and records {@code what} in one transaction: both or neither.
     *
     * @return the results of {@code change}'s operations, then the entry's
     * @throws Exception as Curator's transaction throws it (for example a
     *         {@link KeeperException.BadVersionException} of one of {@code change}'s checks); nothing was written
     */
    public List<CuratorTransactionResult> commit(List<CuratorOp> change, AuditRecord what) throws Exception {
        List<CuratorTransactionResult> results;
        try {
            try {
                results = curator.transaction().forOperations(withEntry(change, what));
            } catch (KeeperException.NoNodeException e) {
                if (!rootKnown || curator.checkExists().forPath(root) != null) {
                    throw e;
                }
                // The root was deleted behind this trail's back: make it again and send the same transaction once more.
                rootKnown = false;
                results = curator.transaction().forOperations(withEntry(change, what));
            }
        } catch (KeeperException.NoAuthException e) {
            if (TransactionFailure.failedOp(e) == change.size()) {
                // The trail refused the entry, not the change: name the trail, so the caller's mapping does not guess.
                AccessDeniedException.throwIfDenied(e, "record the change's entry in the audit trail at " + root);
            }
            throw e;
        }
        trim();
        return results;
    }

    /** Records a change made outside ZooKeeper (or already made): an entry on its own. */
    public void record(AuditRecord what) throws Exception {
        commit(List.of(), what);
    }

    /** The entries {@code query} selects, newest first, and every unreadable node under the root. */
    public AuditLog read(AuditQuery query) throws Exception {
        List<String> children;
        try {
            children = new ArrayList<>(curator.getChildren().forPath(root));
        } catch (KeeperException.NoNodeException e) {
            return new AuditLog(List.of(), List.of());
        }
        children.sort(java.util.Comparator.reverseOrder());
        List<AuditEntry> entries = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (String child : children) {
            if (entries.size() >= query.limit()) {
                break;
            }
            String path = ZKPaths.makePath(root, child);
            Stat stat = new Stat();
            byte[] data;
            try {
                data = curator.getData().storingStatIn(stat).forPath(path);
            } catch (KeeperException.NoNodeException trimmed) {
                continue;
            }
            try {
                AuditEntry entry = AuditFormat.decode(fullPath(path), stat.getCzxid(), Instant.ofEpochMilli(stat.getCtime()), data);
                if (query.matches(entry)) {
                    entries.add(entry);
                }
            } catch (CorruptAuditEntryException e) {
                unreadable.add(e.getMessage());
            }
        }
        return new AuditLog(entries, unreadable);
    }

    private List<CuratorOp> withEntry(List<CuratorOp> change, AuditRecord what) throws Exception {
        ensureRoot();
        List<CuratorOp> ops = new ArrayList<>(change);
        ops.add(curator.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath(ZKPaths.makePath(root, ENTRY), AuditFormat.encode(actor, what, clock.instant())));
        return ops;
    }

    private void ensureRoot() throws Exception {
        if (rootKnown) {
            return;
        }
        if (curator.checkExists().forPath(root) == null) {
            try {
                curator.create().creatingParentsIfNeeded().forPath(root, new byte[0]);
            } catch (KeeperException.NodeExistsException raced) {
                // another writer made it first
            }
        }
        rootKnown = true;
    }

    /** Deletes the oldest entries beyond the retention; a failure is logged, and the next commit trims again. */
    private void trim() {
        try {
            List<String> children = new ArrayList<>(curator.getChildren().forPath(root));
            children.removeIf(c -> !c.startsWith(ENTRY));
            children.sort(null);
            for (int i = 0; i < children.size() - retention; i++) {
                try {
                    curator.delete().forPath(ZKPaths.makePath(root, children.get(i)));
                } catch (KeeperException.NoNodeException alreadyTrimmed) {
                    // a concurrent writer trimmed it
                }
            }
        } catch (Exception e) {
            LOG.warn("Could not trim the audit trail at {} to {} entries; the next entry will: {}", fullPath(root),
                    retention, e.toString());
        }
    }

    private String fullPath(String path) {
        String namespace = curator.getNamespace();
        return namespace == null || namespace.isEmpty() ? path : ZKPaths.makePath(namespace, path);
    }

    /** Options of a trail. */
    public static final class Builder {
        private final CuratorFramework curator;
        private final ToolkitSettings settings;
        private String root = DEFAULT_ROOT;
        private int retention = 1000;
        private String actor = "";
        private Clock clock = Clock.systemUTC();

        private Builder(CuratorFramework curator, ToolkitSettings settings) {
            this.curator = Objects.requireNonNull(curator, "curator");
            this.settings = settings;
        }

        /** The root znode (default {@value #DEFAULT_ROOT}). */
        public Builder root(String value) {
            org.apache.zookeeper.common.PathUtils.validatePath(value);
            root = value;
            return this;
        }

        /** How many entries are kept, at least 1 (default 1000); older ones are deleted. */
        public Builder retention(int entries) {
            if (entries < 1) {
                throw new IllegalArgumentException("audit retention must be at least 1 entry, got " + entries);
            }
            retention = entries;
            return this;
        }

        /** Who the caller says acts (an operator, a ticket), recorded beside the process's identity. */
        public Builder actor(String value) {
            actor = value == null ? "" : value;
            return this;
        }

        /** The clock for the writer's time stamp (tests). */
        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** The trail. */
        public AuditTrail build() {
            return new AuditTrail(this);
        }
    }
}
