package io.zktoolkit.discovery.hive;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.discovery.InstanceSelector;
import io.zktoolkit.discovery.SelectionStrategy;
import java.io.Closeable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens JDBC connections to the HiveServer2s registered in ZooKeeper, with failover, from a view
 * kept in memory: the client-side counterpart of the stock driver's
 * {@code serviceDiscoveryMode=zooKeeper} URL, without its costs.
 *
 * <pre>{@code
 * try (HiveServerResolver hive = HiveServerResolver.builder(zk).build()) {
 *     hive.start();
 *     try (Connection conn = hive.connect("sales", Map.of("fetchSize", "1000"), credentials)) {
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>The stock driver opens a new ZooKeeper session for every connection attempt, lists the
 * namespace, reads one random child, closes the session, and after a failed attempt sleeps
 * {@code retryInterval} (1 s) before the next. This resolver holds one {@code CuratorCache} of the
 * namespace on the caller's {@link ToolkitClient} (one session for the whole job), so picking a
 * server costs no ZooKeeper round trip; it picks with an {@link InstanceSelector} (by default
 * {@link SelectionStrategy#LEAST_RECENTLY_FAILED}, so a server that just failed is passed over by
 * every later connect until its quarantine ends), connects through {@link DriverManager} with a
 * direct URL built from the server's published settings, and on failure moves straight to the next
 * server. When all fail it throws one {@link SQLException} naming every server tried and why, each
 * cause attached as suppressed.
 *
 * <p>Znodes whose data is neither Hive's format nor a legacy {@code host:port} (damaged, or written
 * by something else) are skipped with a warning naming them; the rest of the view is unaffected.
 * In {@link HiveDiscoveryMode#ZOOKEEPER_HA} only the server publishing Hive's
 * {@code activeEndpoint} (the elected leader) is offered.
 *
 * <p>The stock driver must be on the classpath ({@code org.apache.hive:hive-jdbc}, classifier
 * {@code standalone}), but not at compile time; keep it off classpaths holding Hadoop, Spark or
 * Sqoop jars, whose classes it bundles unrelocated.
 */
public final class HiveServerResolver implements Closeable {
    /** Lifecycle. */
    public enum State {
        /** Built, not started. */
        LATENT,
        /** Watching the namespace. */
        STARTED,
        /** Closed. */
        CLOSED
    }

    private static final Logger LOG = LoggerFactory.getLogger(HiveServerResolver.class);
    /** Communication link failure, as the stock driver reports an exhausted discovery. */
    private static final String SQL_STATE_LINK_FAILURE = "08S01";
    private static final String SQL_STATE_NO_CONNECTION = "08001";

    private final ToolkitClient zk;
    private final HiveZnodeLayout layout;
    private final InstanceSelector<HiveServerInstance> selector;
    private final Duration instanceWait;
    private final CuratorCache cache;
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final Object viewChange = new Object();
    /** Parsed znodes by path, re-parsed only when their data changes; touched under {@code this}. */
    private final Map<String, ParsedZnode> parsed = new HashMap<>();
    private volatile List<HiveServerInstance> registered = List.of();
    private volatile int skipped;
    private volatile State state = State.LATENT;

    private record ParsedZnode(long mzxid, HiveServerInstance instance, String problem) {
    }

    private HiveServerResolver(Builder b, HiveZnodeLayout layout) {
        this.zk = b.zk;
        this.layout = layout;
        this.selector = new InstanceSelector<>(HiveServerInstance::name, i -> 1, b.strategy, b.quarantine);
        this.instanceWait = b.instanceWait;
        this.cache = CuratorCache.build(zk.curator(), layout.instancesPath());
    }

    /** A resolver for the servers registered on {@code zk}'s ensemble, sharing its session. */
    public static Builder builder(ToolkitClient zk) {
        return new Builder(zk);
    }

    /**
     * Starts watching the namespace and returns once the registered servers are known (or after the
     * client's connection timeout, with a warning; the view then fills in when ZooKeeper answers).
     */
    public void start() {
        synchronized (this) {
            if (state != State.LATENT) {
                throw new IllegalStateException("Resolver of " + fullPath(layout.instancesPath()) + " is " + state
                        + "; start() may be called once");
            }
            state = State.STARTED;
        }
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, before, after) -> {
                    if (loaded.getCount() == 0) {
                        refresh();
                    }
                })
                .forInitialized(() -> {
                    refresh();
                    loaded.countDown();
                })
                .build());
        cache.start();
        Duration wait = zk.settings().connectionTimeout();
        try {
            if (!loaded.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("HiveServer2 registrations under {} not loaded within {} ms; connects wait for them",
                        fullPath(layout.instancesPath()), wait.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every registered server the view holds, in name order; in HA mode the standbys too. */
    public List<HiveServerInstance> instances() {
        return registered;
    }

    /** The server the next connect would try first, without connecting. */
    public Optional<HiveServerInstance> select() {
        return selector.select();
    }

    /** {@link #connect(String, Map, Properties)} with no extra session parameters. */
    public Connection connect(String database, Properties info) throws SQLException {
        return connect(database, Map.of(), info);
    }

    /**
     * Connects to one of the registered servers, trying the next after each failure.
     *
     * @param database the database, or empty for the server's default
     * @param sessionParameters {@code ;name=value} URL parameters (for example {@code fetchSize}),
     *     which win over what the server published, as in a discovery URL
     * @param info the driver's connection properties, for example {@code user} and {@code password}
     * @throws SQLException state 08S01 naming every server tried and why, each cause suppressed, when
     *     none took the connection; state 08001 when none is registered (or, in HA mode, active)
     *     within the instance wait, or when no driver takes {@code jdbc:hive2:} URLs
     */
    public Connection connect(String database, Map<String, String> sessionParameters, Properties info)
            throws SQLException {
        return open(database, sessionParameters, info, Set.of()).connection();
    }

    /**
     * {@link #connect(String, Map, Properties)} that passes over the servers named in
     * {@code excludedNames} (for example one a session just lost) and says which server it reached.
     * Every other registered server is tried at most once; when only excluded servers are registered
     * it waits the instance wait for another to register.
     *
     * @param excludedNames {@link HiveServerInstance#name()}s not to try
     * @throws SQLException as {@link #connect(String, Map, Properties)}; when none is left apart
     *     from the excluded ones, state 08001 naming them
     */
    public HiveServerConnection open(String database, Map<String, String> sessionParameters, Properties info,
            Set<String> excludedNames) throws SQLException {
        if (state != State.STARTED) {
            throw new IllegalStateException("Resolver of " + fullPath(layout.instancesPath()) + " is " + state
                    + "; call start() first");
        }
        requireDriver();
        Map<HiveServerInstance, SQLException> failures = new LinkedHashMap<>();
        Set<String> tried = new HashSet<>(excludedNames);
        long waitUntil = System.nanoTime() + instanceWait.toNanos();
        while (true) {
            Optional<HiveServerInstance> next = selector.selectExcluding(tried);
            if (next.isEmpty()) {
                // In HA mode a leader that failed may be on its way out: wait for its successor too.
                boolean wait = failures.isEmpty() || layout.mode() == HiveDiscoveryMode.ZOOKEEPER_HA;
                if (wait && awaitInstances(waitUntil, tried)) {
                    continue;
                }
                break;
            }
            HiveServerInstance instance = next.get();
            tried.add(instance.name());
            String url = instance.jdbcUrl(database, sessionParameters);
            try {
                return new HiveServerConnection(instance, DriverManager.getConnection(url, info));
            } catch (SQLException e) {
                selector.noteFailure(instance);
                failures.put(instance, e);
                LOG.info("HiveServer2 {} ({}) did not take a connection, trying the next: {}", instance.endpoint().instanceUri(),
                        fullPath(instance.path()), e.getMessage());
            }
        }
        throw failures.isEmpty() ? noneRegistered(excludedNames) : noneConnected(database, failures);
    }

    /**
     * Records that {@code server} failed outside a connect (for example it died under an open
     * session), so connects pass it over until its quarantine ends, as after a failed connect.
     */
    public void noteFailure(HiveServerInstance server) {
        selector.noteFailure(Objects.requireNonNull(server, "server"));
    }

    /** Where the servers register: the namespace's full path from the ensemble's root, and the ensemble. */
    public String registry() {
        return fullPath(layout.instancesPath()) + " on ZooKeeper " + zk.connectString();
    }

    /** The discovery URL a stock client would use for the same servers; see {@link HiveServerRegistrar#stockJdbcUrl}. */
    public String stockJdbcUrl(String database) {
        return layout.stockJdbcUrl(zk.connectString(), zk.curator().getNamespace(), database, zk.settings());
    }

    /** Lifecycle state. */
    public State state() {
        return state;
    }

    /** Stops watching. Connections already open stay open. */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        cache.close();
        synchronized (viewChange) {
            viewChange.notifyAll();
        }
    }

    /** Rebuilds the view from the cache; runs on the cache's thread. */
    private synchronized void refresh() {
        String parent = layout.instancesPath();
        Map<String, ParsedZnode> now = new HashMap<>();
        List<HiveServerInstance> all = new ArrayList<>();
        cache.stream()
                .filter(d -> parent.equals(ZKPaths.getPathAndNode(d.getPath()).getPath()))
                .filter(d -> layout.isRegistration(ZKPaths.getNodeFromPath(d.getPath())))
                .forEach(d -> {
                    long mzxid = d.getStat() == null ? -1 : d.getStat().getMzxid();
                    ParsedZnode known = parsed.get(d.getPath());
                    ParsedZnode current = known != null && known.mzxid() == mzxid ? known : parse(d, mzxid);
                    now.put(d.getPath(), current);
                    if (current.instance() != null) {
                        all.add(current.instance());
                    }
                });
        parsed.clear();
        parsed.putAll(now);
        all.sort(Comparator.comparing(HiveServerInstance::name));
        registered = List.copyOf(all);
        skipped = now.size() - all.size();
        selector.update(all.stream().filter(HiveServerInstance::active).toList());
        synchronized (viewChange) {
            viewChange.notifyAll();
        }
    }

    private ParsedZnode parse(ChildData znode, long mzxid) {
        try {
            return new ParsedZnode(mzxid, layout.parse(znode.getPath(), znode.getData()), null);
        } catch (RuntimeException e) {
            LOG.warn("Skipping znode {}: not a HiveServer2 registration ({}); stock clients that pick it fail too",
                    fullPath(znode.getPath()), e.getMessage());
            return new ParsedZnode(mzxid, null, e.getMessage());
        }
    }

    private boolean awaitInstances(long waitUntil, Set<String> excludedNames) throws SQLException {
        synchronized (viewChange) {
            while (!hasInstanceOutside(excludedNames) && state == State.STARTED) {
                long left = waitUntil - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(viewChange, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("Interrupted while waiting for a HiveServer2 to register under "
                            + fullPath(layout.instancesPath()), SQL_STATE_NO_CONNECTION, e);
                }
            }
            return hasInstanceOutside(excludedNames);
        }
    }

    private boolean hasInstanceOutside(Set<String> excludedNames) {
        return selector.instances().stream().anyMatch(i -> !excludedNames.contains(i.name()));
    }

    private static void requireDriver() throws SQLException {
        try {
            DriverManager.getDriver("jdbc:hive2://");
        } catch (SQLException e) {
            throw new SQLException("No JDBC driver for jdbc:hive2: URLs is on the classpath; add org.apache.hive:hive-jdbc "
                    + "(classifier standalone)", SQL_STATE_NO_CONNECTION, e);
        }
    }

    private SQLException noneRegistered(Set<String> excludedNames) {
        List<HiveServerInstance> all = registered;
        String what = !excludedNames.isEmpty()
                ? "No HiveServer2 registered under " + fullPath(layout.instancesPath()) + " apart from the excluded "
                        + excludedNames.stream().sorted().toList()
                : layout.mode() == HiveDiscoveryMode.ZOOKEEPER_HA && !all.isEmpty()
                ? all.size() + " HiveServer2 registered under " + fullPath(layout.instancesPath())
                        + ", none of them the active leader"
                : "No HiveServer2 registered under " + fullPath(layout.instancesPath());
        int bad = skipped;
        return new SQLException(what + (bad > 0 ? " (" + bad + " znode(s) there skipped as unreadable)" : "")
                + " after waiting " + instanceWait.toMillis() + " ms; ZooKeeper at " + zk.connectString(),
                SQL_STATE_NO_CONNECTION);
    }

    private SQLException noneConnected(String database, Map<HiveServerInstance, SQLException> failures) {
        StringBuilder message = new StringBuilder("Could not connect to any of the ").append(failures.size())
                .append(" HiveServer2 instance(s) tried under ").append(fullPath(layout.instancesPath()))
                .append(" (database '").append(database).append("'):");
        failures.forEach((instance, e) -> message.append(System.lineSeparator()).append("  - ")
                .append(instance.endpoint().instanceUri()).append(" (").append(instance.name()).append("): ")
                .append(e.getMessage()));
        message.append(System.lineSeparator()).append("  (ZooKeeper at ").append(zk.connectString()).append(')');
        SQLException all = new SQLException(message.toString(), SQL_STATE_LINK_FAILURE);
        failures.values().forEach(all::addSuppressed);
        return all;
    }

    private String fullPath(String path) {
        return ZKPaths.fixForNamespace(zk.curator().getNamespace(), path);
    }

    /** Options of a {@link HiveServerResolver}; {@link #build()} checks them. */
    public static final class Builder {
        private final ToolkitClient zk;
        private HiveDiscoveryMode mode = HiveDiscoveryMode.ZOOKEEPER;
        private String namespace;
        private boolean saslRegistry;
        private SelectionStrategy strategy = SelectionStrategy.LEAST_RECENTLY_FAILED;
        private Duration quarantine = Duration.ofSeconds(30);
        private Duration instanceWait = Duration.ofSeconds(5);

        private Builder(ToolkitClient zk) {
            this.zk = Objects.requireNonNull(zk, "zk");
        }

        /** The layout the servers register in; {@link HiveDiscoveryMode#ZOOKEEPER} unless set. */
        public Builder mode(HiveDiscoveryMode value) {
            this.mode = Objects.requireNonNull(value, "mode");
            return this;
        }

        /** The namespace under the client's Curator namespace; the mode's default unless set. */
        public Builder namespace(String value) {
            this.namespace = value;
            return this;
        }

        /** HA mode only: read {@code <namespace>-sasl} instead of {@code <namespace>-unsecure}. */
        public Builder saslRegistry(boolean value) {
            this.saslRegistry = value;
            return this;
        }

        /** How to pick among the servers; least recently failed unless set. */
        public Builder strategy(SelectionStrategy value) {
            this.strategy = Objects.requireNonNull(value, "strategy");
            return this;
        }

        /** How long a server that failed a connect is passed over; 30 s unless set. */
        public Builder quarantine(Duration value) {
            this.quarantine = Objects.requireNonNull(value, "quarantine");
            return this;
        }

        /**
         * How long a connect waits for a server to appear when none is registered (or, in HA mode,
         * while a new leader is being elected); 5 s unless set, zero to fail at once.
         */
        public Builder instanceWait(Duration value) {
            this.instanceWait = Objects.requireNonNull(value, "instanceWait");
            return this;
        }

        /**
         * Checks the options.
         *
         * @throws IllegalArgumentException naming every option at fault
         */
        public HiveServerResolver build() {
            List<String> problems = new ArrayList<>();
            HiveZnodeLayout layout = HiveZnodeLayout.of(mode, namespace, saslRegistry, problems);
            if (quarantine.isNegative()) {
                problems.add("quarantine: " + quarantine + " is negative");
            }
            if (instanceWait.isNegative()) {
                problems.add("instanceWait: " + instanceWait + " is negative");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Cannot resolve HiveServer2 instances: " + String.join("; ", problems));
            }
            return new HiveServerResolver(this, layout);
        }
    }
}
