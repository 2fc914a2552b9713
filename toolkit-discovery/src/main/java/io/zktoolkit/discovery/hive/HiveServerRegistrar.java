package io.zktoolkit.discovery.hive;

import io.zktoolkit.config.AccessDeniedException;
import io.zktoolkit.config.AclMode;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.listen.Listenable;
import org.apache.curator.framework.listen.StandardListenerManager;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a HiveServer2-protocol server in HiveServer2's own ZooKeeper layout and data format,
 * so that the stock hive-jdbc driver, Beeline and every other Hive client find it with an
 * unchanged discovery URL. Needed for servers that never register themselves (the Spark Thrift
 * Server) and for registering a HiveServer2 from outside its process.
 *
 * <pre>{@code
 * try (HiveServerRegistrar registrar = HiveServerRegistrar.builder(zk, HiveServerEndpoint.binary("hs2-1", 10000))
 *         .version("3.1.3").build()) {
 *     registrar.start();
 *     log.info("clients connect with {}", registrar.stockJdbcUrl("default"));
 *     ...   // serve until shutdown
 * }
 * }</pre>
 *
 * <p>What it writes, exactly as HiveServer2 does ({@link HiveDiscoveryMode#ZOOKEEPER}):
 * <ul>
 * <li>{@code /<namespace>} (default {@code hiveserver2}), persistent;</li>
 * <li>one EPHEMERAL_SEQUENTIAL child {@code serverUri=<host>:<port>;version=<version>;sequence=<10 digits>}
 *   holding {@link HiveServerEndpoint#znodeData()}, kept by Curator's {@code PersistentNode} as Hive
 *   keeps it: after a lost session it is created again under the same name, and it goes away when
 *   this registrar closes or its process dies (once the session expires).</li>
 * </ul>
 * In {@link HiveDiscoveryMode#ZOOKEEPER_HA} it writes Hive 3's active/passive layout instead and
 * joins the {@code LeaderLatch} there; only while it leads does its record carry the
 * {@code activeEndpoint} the stock driver looks for.
 *
 * <p><b>ACLs.</b> Stock clients read without credentials, so both the namespace znode and the
 * registration are world-readable whatever {@code zk.acl} says: with {@code creator} the registrar
 * opens its own session with {@code creator-world-read}, which Hive's own secure mode also uses
 * (the creator may change them, everyone may read). A namespace znode that already exists without
 * world read fails {@link #start()}, naming it.
 *
 * <p><b>Curator namespace.</b> Paths are under the client's namespace ({@code zk.namespace},
 * default {@code zktoolkit}), which the stock driver does not know: a client with namespace
 * {@code app} registers at {@code /app/hiveserver2}, and stock clients need
 * {@code zooKeeperNamespace=app/hiveserver2}. {@link #stockJdbcUrl(String)} gives the URL to use;
 * set {@code zk.namespace=} (empty) to share Hive's own {@code /hiveserver2}.
 */
public final class HiveServerRegistrar implements Closeable {
    /** Lifecycle. */
    public enum State {
        /** Built, not started. */
        LATENT,
        /** Registered (or registering again after a lost session). */
        STARTED,
        /** Closed: the znode is gone. */
        CLOSED
    }

    /** The version a registration names when the caller does not say. */
    public static final String UNKNOWN_VERSION = "unknown";
    private static final Logger LOG = LoggerFactory.getLogger(HiveServerRegistrar.class);
    /**
     * Registrations live per Curator client: a second registrar of the same endpoint on one client
     * would take the first one's znode for a stray duplicate and delete it, and the two would fight.
     */
    private static final Map<CuratorFramework, Set<String>> LIVE = new WeakHashMap<>();

    private final ToolkitClient zk;
    private final HiveZnodeLayout layout;
    private final HiveServerEndpoint endpoint;
    private final String version;
    private final Duration registrationTimeout;
    private final String uniqueId = UUID.randomUUID().toString();
    private final StandardListenerManager<HiveRegistrationListener> listeners = StandardListenerManager.standard();
    private final ExecutorService housekeeping;
    private volatile State state = State.LATENT;
    private ToolkitClient ownSession;
    private volatile CuratorFramework curator;
    private volatile PersistentNode node;
    private volatile LeaderLatch latch;
    private String claim;
    /** Touched on the housekeeping thread only. */
    private int creations;

    private HiveServerRegistrar(Builder b, HiveZnodeLayout layout) {
        this.zk = b.zk;
        this.layout = layout;
        this.endpoint = b.endpoint;
        this.version = b.version;
        this.registrationTimeout = b.registrationTimeout;
        this.housekeeping = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "zktoolkit-hive-registrar-" + endpoint.instanceUri());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A registrar for {@code endpoint} on {@code zk}'s ensemble.
     *
     * @param endpoint what clients need to reach the server; see {@link HiveServerEndpoint#binary} and
     *     {@link HiveServerEndpoint#http}
     */
    public static Builder builder(ToolkitClient zk, HiveServerEndpoint endpoint) {
        return new Builder(zk, endpoint);
    }

    /**
     * Creates the namespace znode if needed, registers, and returns once the registration znode
     * exists; in HA mode it then joins the leader election.
     *
     * @throws IllegalStateException if called twice, if the namespace znode cannot be read by
     *     everyone, or if the znode is not created within the registration timeout
     */
    public synchronized void start() {
        if (state != State.LATENT) {
            throw new IllegalStateException("Registrar of " + endpoint.instanceUri() + " is " + state + "; start() may be called once");
        }
        state = State.STARTED;
        try {
            curator = registrationClient();
            ensureWorldReadable(layout.instancesPath());
            claim();
            node = new PersistentNode(curator, CreateMode.EPHEMERAL_SEQUENTIAL, false,
                    layout.registrationPathPrefix(endpoint, version), layout.data(endpoint, uniqueId, false));
            node.getListenable().addListener(this::onCreated);
            node.start();
            if (!node.waitForInitialCreate(registrationTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("The registration znode under " + fullPath(layout.instancesPath())
                        + " was not created within " + registrationTimeout.toMillis() + " ms; is ZooKeeper at "
                        + zk.connectString() + " reachable?");
            }
            if (layout.mode() == HiveDiscoveryMode.ZOOKEEPER_HA) {
                latch = new LeaderLatch(curator, layout.leaderLatchPath(), uniqueId, LeaderLatch.CloseMode.NOTIFY_LEADER);
                latch.addListener(new LeaderLatchListener() {
                    @Override
                    public void isLeader() {
                        publishActive(true);
                    }

                    @Override
                    public void notLeader() {
                        publishActive(false);
                    }
                });
                latch.start();
            }
            LOG.info("Registered HiveServer2 {} at {}; stock clients connect with {}", endpoint.instanceUri(),
                    fullPath(node.getActualPath()), stockJdbcUrl(""));
        } catch (Exception e) {
            release();
            state = State.CLOSED;
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            AccessDeniedException.throwIfDenied(e, "register HiveServer2 " + endpoint.instanceUri() + " under "
                    + fullPath(layout.instancesPath()));
            throw e instanceof IllegalStateException ise ? ise
                    : new IllegalStateException("Cannot register HiveServer2 " + endpoint.instanceUri() + " under "
                            + fullPath(layout.instancesPath()) + ": " + e, e);
        }
    }

    /**
     * The URL stock clients use to find this server, {@code jdbc:hive2://<ensemble>/<database>;
     * serviceDiscoveryMode=zooKeeper;zooKeeperNamespace=<curator namespace>/<namespace>}.
     *
     * @param database the database, or empty for the server's default
     */
    public String stockJdbcUrl(String database) {
        return layout.stockJdbcUrl(zk.connectString(), zk.curator().getNamespace(), database, zk.settings());
    }

    /** The registration znode's full path from the ensemble's root, once created. */
    public Optional<String> znodePath() {
        PersistentNode current = node;
        return Optional.ofNullable(current == null ? null : current.getActualPath()).map(this::fullPath);
    }

    /**
     * Whether clients are sent to this server now: while registered, and in HA mode only while it
     * leads.
     */
    public boolean isActive() {
        return state == State.STARTED && node != null && node.getActualPath() != null
                && (latch == null ? layout.mode() == HiveDiscoveryMode.ZOOKEEPER : latch.hasLeadership());
    }

    /** What this registrar publishes. */
    public HiveServerEndpoint endpoint() {
        return endpoint;
    }

    /** Lifecycle state. */
    public State state() {
        return state;
    }

    /** Where to add {@link HiveRegistrationListener}s. */
    public Listenable<HiveRegistrationListener> getListenable() {
        return listeners;
    }

    /**
     * Leaves the election (HA) and deletes the registration znode, so new connections stop coming;
     * open sessions are not affected.
     */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        boolean wasRegistered = state == State.STARTED;
        state = State.CLOSED;
        release();
        if (wasRegistered) {
            LOG.info("Deregistered HiveServer2 {} from {}", endpoint.instanceUri(), fullPath(layout.instancesPath()));
        }
    }

    /** The Curator client holding the registration: its session is the registration's lifetime. */
    CuratorFramework registrationCurator() {
        return curator;
    }

    private CuratorFramework registrationClient() {
        if (zk.settings().aclMode() != AclMode.CREATOR) {
            return zk.curator();
        }
        ownSession = ToolkitClient.open(zk.settings().toBuilder()
                .set(ToolkitKeys.CONNECT, zk.connectString())
                .set(ToolkitKeys.ACL, AclMode.CREATOR_WORLD_READ)
                .source("the Hive registrar's world-readable session from " + zk.settings().source())
                .build());
        return ownSession.curator();
    }

    private void ensureWorldReadable(String path) throws Exception {
        try {
            curator.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path);
        } catch (KeeperException.NodeExistsException alreadyThere) {
            // created by an earlier server, as expected
        }
        List<ACL> acl = curator.getACL().forPath(path);
        boolean worldReadable = acl.stream().anyMatch(a -> ZooDefs.Ids.ANYONE_ID_UNSAFE.equals(a.getId())
                && (a.getPerms() & ZooDefs.Perms.READ) != 0);
        if (!worldReadable) {
            throw new IllegalStateException("The HiveServer2 namespace znode " + fullPath(path) + " exists with ACL " + acl
                    + ", which stock Hive clients (no credentials) cannot read; grant world:anyone read on it or use "
                    + "another namespace");
        }
    }

    private void claim() {
        String key = layout.registrationPathPrefix(endpoint, version) + "|" + endpoint.instanceUri();
        synchronized (LIVE) {
            if (!LIVE.computeIfAbsent(curator, c -> new HashSet<>()).add(key)) {
                throw new IllegalStateException("HiveServer2 " + endpoint.instanceUri() + " is already registered under "
                        + fullPath(layout.instancesPath()) + " through this ZooKeeper client; close that registrar first");
            }
            claim = key;
        }
    }

    /** Curator's event thread must not wait on ZooKeeper: the follow-up runs on the housekeeping thread. */
    private void onCreated(String path) {
        try {
            housekeeping.execute(() -> created(path));
        } catch (RejectedExecutionException closing) {
            // the registrar is closing; the znode is about to go
        }
    }

    /** After every creation of the registration znode. */
    private void created(String path) {
        try {
            removeStrayDuplicates(path);
        } catch (Exception e) {
            LOG.warn("Could not look for duplicate registrations of {} next to {}: {}", endpoint.instanceUri(), fullPath(path),
                    e.toString());
        }
        String full = fullPath(path);
        if (creations++ > 0) {
            LOG.info("HiveServer2 {} is registered again at {} after its session was lost", endpoint.instanceUri(), full);
        }
        listeners.forEach(l -> l.registered(full));
    }

    /**
     * A create retried after a lost reply can leave a second, unprotected EPHEMERAL_SEQUENTIAL node of
     * ours behind (Hive and Curator do not use protection here, to keep Hive's names). Clients would
     * see the server twice; remove any such node: same session, same name prefix, same registration.
     */
    private void removeStrayDuplicates(String path) throws Exception {
        String parent = ZKPaths.getPathAndNode(path).getPath();
        String prefix = ZKPaths.getNodeFromPath(layout.registrationPathPrefix(endpoint, version));
        long session = curator.getZookeeperClient().getZooKeeper().getSessionId();
        for (String child : curator.getChildren().forPath(parent)) {
            String childPath = ZKPaths.makePath(parent, child);
            if (!child.startsWith(prefix) || childPath.equals(path)) {
                continue;
            }
            Stat stat = new Stat();
            byte[] data;
            try {
                data = curator.getData().storingStatIn(stat).forPath(childPath);
            } catch (KeeperException.NoNodeException gone) {
                continue;
            }
            if (stat.getEphemeralOwner() == session && isOurs(childPath, data)) {
                try {
                    curator.delete().withVersion(stat.getVersion()).forPath(childPath);
                    LOG.warn("Removed {}, a duplicate registration of {} left by a retried create", fullPath(childPath),
                            endpoint.instanceUri());
                } catch (KeeperException.NoNodeException | KeeperException.BadVersionException changed) {
                    // gone or rewritten meanwhile: not ours to judge any more
                }
            }
        }
    }

    private boolean isOurs(String path, byte[] data) {
        if (layout.mode() == HiveDiscoveryMode.ZOOKEEPER) {
            return true;   // the name prefix already holds host:port and version
        }
        try {
            return uniqueId.equals(HiveServiceRecord.decode(data).uniqueId());
        } catch (IllegalArgumentException notARecord) {
            return false;
        }
    }

    private void publishActive(boolean active) {
        if (state == State.CLOSED) {
            // the znode is being deleted, which takes this server out of every client's choice
            listeners.forEach(l -> l.activeChanged(false));
            return;
        }
        try {
            node.setData(layout.data(endpoint, uniqueId, active));
            LOG.info("HiveServer2 {} is now {} under {}", endpoint.instanceUri(), active ? "ACTIVE" : "a passive standby",
                    fullPath(layout.instancesPath()));
        } catch (Exception e) {
            LOG.warn("Could not publish HiveServer2 {} as {}: {}", endpoint.instanceUri(), active ? "active" : "passive",
                    e.toString());
        }
        listeners.forEach(l -> l.activeChanged(active));
    }

    private void release() {
        // The znode first: an HA leader leaving must not stay "active" in clients' eyes while a
        // successor already publishes itself active.
        List<Closeable> parts = new ArrayList<>();
        if (node != null) {
            parts.add(node);
        }
        if (latch != null) {
            parts.add(latch);
        }
        for (Closeable part : parts) {
            try {
                part.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("Closing the registration of {}: {}", endpoint.instanceUri(), e.toString());
            }
        }
        housekeeping.shutdown();
        if (claim != null) {
            synchronized (LIVE) {
                Set<String> claims = LIVE.get(curator);
                if (claims != null) {
                    claims.remove(claim);
                }
            }
        }
        if (ownSession != null) {
            ownSession.close();
        }
    }

    private String fullPath(String path) {
        CuratorFramework client = curator != null ? curator : zk.curator();
        return ZKPaths.fixForNamespace(client.getNamespace(), path);
    }

    /** Options of a {@link HiveServerRegistrar}; {@link #build()} checks them all at once. */
    public static final class Builder {
        private final ToolkitClient zk;
        private final HiveServerEndpoint endpoint;
        private HiveDiscoveryMode mode = HiveDiscoveryMode.ZOOKEEPER;
        private String namespace;
        private String version = UNKNOWN_VERSION;
        private boolean saslRegistry;
        private Duration registrationTimeout = Duration.ofSeconds(30);

        private Builder(ToolkitClient zk, HiveServerEndpoint endpoint) {
            this.zk = Objects.requireNonNull(zk, "zk");
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        }

        /** The layout to register in; {@link HiveDiscoveryMode#ZOOKEEPER} unless set. */
        public Builder mode(HiveDiscoveryMode value) {
            this.mode = Objects.requireNonNull(value, "mode");
            return this;
        }

        /**
         * The namespace ({@code hive.server2.zookeeper.namespace}, or in HA mode
         * {@code hive.server2.active.passive.ha.registry.namespace}); the mode's default unless set.
         */
        public Builder namespace(String value) {
            this.namespace = value;
            return this;
        }

        /** The server's version, as the znode's name carries it (Hive's deregister tool matches on it). */
        public Builder version(String value) {
            this.version = value;
            return this;
        }

        /**
         * HA mode only: whether the servers run with Hadoop Kerberos security, which makes Hive (and
         * the stock driver in a Kerberos-enabled JVM) use {@code <namespace>-sasl} rather than
         * {@code <namespace>-unsecure}.
         */
        public Builder saslRegistry(boolean value) {
            this.saslRegistry = value;
            return this;
        }

        /** How long {@link HiveServerRegistrar#start()} waits for the znode; 30 s unless set. */
        public Builder registrationTimeout(Duration value) {
            this.registrationTimeout = Objects.requireNonNull(value, "registrationTimeout");
            return this;
        }

        /**
         * Checks the options.
         *
         * @throws IllegalArgumentException naming every option at fault
         */
        public HiveServerRegistrar build() {
            List<String> problems = new ArrayList<>();
            HiveZnodeLayout layout = HiveZnodeLayout.of(mode, namespace, saslRegistry, problems);
            if (version == null || version.isBlank() || !HiveServerEndpoint.isUrlSafe(version) || version.contains("/")) {
                problems.add("version '" + version + "': may not be empty or contain ';', '?', '#', '=', '/' or whitespace, "
                        + "which would break the znode's name");
            }
            if (registrationTimeout.isNegative() || registrationTimeout.isZero()) {
                problems.add("registrationTimeout: " + registrationTimeout + " is not positive");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Cannot register HiveServer2 " + endpoint.instanceUri() + ":"
                        + problems.stream().map(p -> System.lineSeparator() + "  - " + p).collect(Collectors.joining()));
            }
            return new HiveServerRegistrar(this, layout);
        }
    }
}
