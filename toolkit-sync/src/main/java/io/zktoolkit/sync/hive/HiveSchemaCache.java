package io.zktoolkit.sync.hive;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.hive.HiveObject;
import io.zktoolkit.sync.CorruptSyncDataException;
import io.zktoolkit.sync.SyncException;
import java.io.Closeable;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.listen.StandardListenerManager;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's cache of Hive table schemas that refreshes itself when another job publishes a change
 * ({@link HiveSchemaNotices}). {@link #schema} reads a table's columns once; when a newer schema
 * version is published for a cached table, the cache re-reads the columns on its own thread, moves
 * the table to that version and tells its {@link HiveSchemaListener}s.
 *
 * <p>The version a cached schema carries was read from ZooKeeper before its columns, so the
 * columns are at least that new. Notices that come quickly fold into one re-read at the newest
 * version, and after a disconnection the cache catches up with the newest version it missed;
 * a cached version never goes down.
 *
 * <pre>{@code
 * try (HiveSchemaCache schemas = HiveSchemaCache.builder(zk, ColumnReader.jdbc(connection)).build()) {
 *     schemas.start();
 *     List<HiveColumn> columns = schemas.schema(HiveObject.table("sales", "orders")).columns();
 * }
 * }</pre>
 */
public final class HiveSchemaCache implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(HiveSchemaCache.class);

    /** Lifecycle of a cache. */
    public enum State {
        LATENT,
        STARTED,
        CLOSED
    }

    private static final class Entry {
        volatile TableSchema schema;
        /** A re-read failed: the next ask reads again. */
        volatile boolean stale;
    }

    private final CuratorFramework curator;
    private final String root;
    private final ColumnReader reader;
    private final Duration waitTimeout;
    private final CuratorCache notices;
    private final Map<HiveObject, Entry> tables = new ConcurrentHashMap<>();
    private final Map<HiveObject, SchemaNotice> latest = new ConcurrentHashMap<>();
    private final StandardListenerManager<HiveSchemaListener> listeners = StandardListenerManager.standard();
    private final CountDownLatch initialized = new CountDownLatch(1);
    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private final ExecutorService refresher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "zktoolkit-hive-schema-refresh");
        t.setDaemon(true);
        return t;
    });

    private HiveSchemaCache(Builder b) {
        this.curator = b.curator;
        this.root = b.root;
        this.reader = b.reader;
        this.waitTimeout = b.waitTimeout;
        this.notices = CuratorCache.build(curator, root);
        notices.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, node) -> onNotice(node))
                .forInitialized(initialized::countDown)
                .build());
    }

    /** A builder for a cache on the toolkit's client that reads columns with {@code reader}. */
    public static Builder builder(ToolkitClient client, ColumnReader reader) {
        return new Builder(client.curator(), reader);
    }

    /** A builder for a cache on a Curator client that reads columns with {@code reader}. */
    public static Builder builder(CuratorFramework curator, ColumnReader reader) {
        return new Builder(curator, reader);
    }

    /**
     * Loads the published versions (waiting up to the wait timeout) and starts watching.
     *
     * @throws SyncException when ZooKeeper could not be read in time
     */
    public void start() {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException("The Hive schema cache on " + root + " was already started");
        }
        try {
            curator.createContainers(root);
            notices.start();
            if (!initialized.await(waitTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new SyncException("Hive schema cache: the notices under " + root + " could not be read within "
                        + waitTimeout + " from " + curator.getZookeeperClient().getCurrentConnectionString());
            }
        } catch (SyncException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncException("Hive schema cache on " + root + ": interrupted while starting", e);
        } catch (Exception e) {
            throw new SyncException("Hive schema cache: could not create " + root + " in ZooKeeper at "
                    + curator.getZookeeperClient().getCurrentConnectionString() + " (" + e + ")", e);
        }
    }

    /** The cache's lifecycle state. */
    public State state() {
        return state.get();
    }

    /**
     * {@code table}'s schema: from the cache, or read now (first ask, or a re-read that failed).
     *
     * @throws SQLException when the columns had to be read and could not be
     */
    public TableSchema schema(HiveObject table) throws SQLException {
        requireStarted();
        HiveSchemaNotices.pathOf(root, table);
        Entry entry = tables.computeIfAbsent(table, t -> new Entry());
        TableSchema cached = entry.schema;
        if (cached != null && !entry.stale) {
            return cached;
        }
        return reread(table, entry);
    }

    /** The newest notice seen for {@code table}, which the cache may still be re-reading. */
    public Optional<SchemaNotice> latestNotice(HiveObject table) {
        return Optional.ofNullable(latest.get(table));
    }

    /** The tables cached so far. */
    public List<HiveObject> tables() {
        return List.copyOf(tables.keySet());
    }

    /** Subscribes to re-reads. */
    public void addListener(HiveSchemaListener listener) {
        listeners.addListener(Objects.requireNonNull(listener, "listener"));
    }

    /** Stops telling {@code listener}. */
    public void removeListener(HiveSchemaListener listener) {
        listeners.removeListener(listener);
    }

    /** Stops watching; the columns reader stays open (the caller owns it). */
    @Override
    public void close() {
        if (state.getAndSet(State.CLOSED) == State.STARTED) {
            notices.close();
        }
        refresher.shutdownNow();
    }

    private void onNotice(ChildData node) {
        String name = ZKPaths.getNodeFromPath(node.getPath());
        if (!ZKPaths.getPathAndNode(node.getPath()).getPath().equals(root)) {
            return;
        }
        SchemaNotice notice;
        try {
            notice = SchemaNotice.decode(node.getPath(), HiveObject.parse(name), node.getData());
        } catch (CorruptSyncDataException | IllegalArgumentException e) {
            LOG.warn("Ignoring {}: {}", node.getPath(), e.getMessage());
            return;
        }
        latest.merge(notice.table(), notice, (a, b) -> b.version() > a.version() ? b : a);
        Entry entry = tables.get(notice.table());
        TableSchema cached = entry == null ? null : entry.schema;
        // A table still being read for the first time is re-read too: its first read may predate this change.
        if (entry != null && (cached == null || cached.version() < notice.version())) {
            refresher.execute(() -> refreshAfterNotice(notice.table(), entry));
        }
    }

    private void refreshAfterNotice(HiveObject table, Entry entry) {
        SchemaNotice newest = latest.get(table);
        TableSchema cached = entry.schema;
        if (cached != null && cached.version() >= newest.version()) {
            return; // an earlier re-read already reached it
        }
        try {
            reread(table, entry);
        } catch (SQLException e) {
            entry.stale = true;
            LOG.warn("Could not re-read the columns of {} after schema version {}: {}", table, newest.version(), e.toString());
            listeners.forEach(l -> l.refreshFailed(table, newest.version(), e));
        }
    }

    private TableSchema reread(HiveObject table, Entry entry) throws SQLException {
        synchronized (entry) {
            // The version first, then the columns: the columns are at least as new as the version.
            long version = Optional.ofNullable(latest.get(table)).map(SchemaNotice::version).orElse(0L);
            TableSchema before = entry.schema;
            if (before != null && !entry.stale && before.version() >= version) {
                return before;
            }
            Optional<List<HiveColumn>> columns = reader.columns(table);
            TableSchema after = new TableSchema(table, Math.max(version, before == null ? 0 : before.version()),
                    columns.isEmpty(), columns.orElse(List.of()));
            entry.schema = after;
            entry.stale = false;
            if (before != null) {
                listeners.forEach(l -> l.refreshed(before, after));
            }
            return after;
        }
    }

    private void requireStarted() {
        if (state.get() != State.STARTED) {
            throw new IllegalStateException("The Hive schema cache on " + root + " is " + state.get() + "; call start() first");
        }
    }

    /** Options of a {@link HiveSchemaCache}. */
    public static final class Builder {
        private final CuratorFramework curator;
        private final ColumnReader reader;
        private String root = HiveSchemaNotices.ROOT;
        private Duration waitTimeout = Duration.ofSeconds(30);

        private Builder(CuratorFramework curator, ColumnReader reader) {
            this.curator = Objects.requireNonNull(curator, "curator");
            this.reader = Objects.requireNonNull(reader, "reader");
        }

        /** The notices' root (default {@value HiveSchemaNotices#ROOT}); publishers must use the same. */
        public Builder root(String value) {
            this.root = ZKPaths.fixForNamespace(null, Objects.requireNonNull(value, "root"));
            return this;
        }

        /** How long {@link #start()} waits for ZooKeeper (default 30 s). */
        public Builder waitTimeout(Duration value) {
            this.waitTimeout = Objects.requireNonNull(value, "waitTimeout");
            return this;
        }

        /** The cache; {@link HiveSchemaCache#start()} it. */
        public HiveSchemaCache build() {
            return new HiveSchemaCache(this);
        }
    }
}
