package io.zktoolkit.config.live;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A configuration set kept in memory and current through a ZooKeeper watch: {@link #snapshot()}
 * costs no round trip, and keeps answering with the last known version, flagged
 * {@link #isStale() stale}, while the ensemble is unreachable.
 *
 * <p><b>Design.</b> A Curator {@code CuratorCache} watches the set's znode. Every notice, and
 * every reconnection, is handled on one thread of this object's own, which reads the new version
 * and moves the snapshot forward only: older or repeated versions are ignored, so listeners see
 * each version once and in order. ZooKeeper watches fire once and then re-arm, so several quick
 * publishes can arrive as one notice; the gap is then filled from the store's history, each
 * skipped version delivered in turn. After the session was lost (expired, or the client was
 * partitioned for longer than the session timeout) the versions published meanwhile are
 * reported as one coalesced {@link ConfigChange} naming them, because the watcher cannot tell
 * which of them a job would have acted on. A version that cannot be decoded (foreign or damaged
 * data) is logged, the last good snapshot kept and the view marked stale.
 */
public final class LiveConfig implements Closeable {
    /** Lifecycle. */
    public enum State {
        /** Built, not started. */
        LATENT,
        /** Watching. */
        STARTED,
        /** Closed. */
        CLOSED
    }

    private static final Logger LOG = LoggerFactory.getLogger(LiveConfig.class);

    private final ConfigStore store;
    private final ConfigSetName name;
    private final ExecutorService worker;
    private final CuratorCache cache;
    private final List<ConfigListener> listeners = new CopyOnWriteArrayList<>();
    private final ConnectionStateListener connectionListener = this::connectionChanged;
    private volatile ConfigSnapshot current;
    private volatile boolean stale;
    private volatile State state = State.LATENT;
    /** Touched only on the worker thread. */
    private boolean sessionLost;

    LiveConfig(ConfigStore store, ConfigSetName name) {
        this.store = store;
        this.name = name;
        this.current = ConfigSnapshot.absent(name);
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "zktoolkit-live-config-" + name);
            t.setDaemon(true);
            return t;
        });
        this.cache = CuratorCache.build(store.curator(), store.setPath(name), CuratorCache.Options.SINGLE_NODE_CACHE);
    }

    /**
     * Reads the current version, then starts watching. Returns once the snapshot holds the
     * version that was current at start.
     */
    public synchronized void start() {
        if (state != State.LATENT) {
            throw new IllegalStateException("LiveConfig for " + name + " is " + state + "; start() may be called once");
        }
        state = State.STARTED;
        current = store.read(name.value());
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, after) -> submitRefresh(after))
                .forDeletes(gone -> worker.execute(this::deleted))
                .build(), worker);
        store.curator().getConnectionStateListenable().addListener(connectionListener);
        cache.start();
    }

    /** The latest version known, without a ZooKeeper round trip. */
    public ConfigSnapshot snapshot() {
        return current;
    }

    /**
     * Whether the snapshot may be behind: the connection is suspended or lost, or the last
     * published data could not be read. It clears once a fresh read succeeds.
     */
    public boolean isStale() {
        return stale;
    }

    /** The set watched. */
    public ConfigSetName name() {
        return name;
    }

    /** The root of the store this view reads ({@link ConfigStore#root()}). */
    public String storeRoot() {
        return store.root();
    }

    /** Lifecycle state. */
    public State state() {
        return state;
    }

    /** Adds a listener for versions published from now on. */
    public void addListener(ConfigListener listener) {
        listeners.add(listener);
    }

    /** Removes a listener. */
    public void removeListener(ConfigListener listener) {
        listeners.remove(listener);
    }

    /** Stops watching; the last snapshot stays readable. */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        store.curator().getConnectionStateListenable().removeListener(connectionListener);
        cache.close();
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void submitRefresh(ChildData data) {
        if (state == State.STARTED) {
            advanceTo(data.getData(), data.getStat());
        }
    }

    private void connectionChanged(org.apache.curator.framework.CuratorFramework client, ConnectionState newState) {
        switch (newState) {
            case SUSPENDED -> stale = true;
            case LOST -> {
                stale = true;
                worker.execute(() -> sessionLost = true);
            }
            case RECONNECTED -> worker.execute(this::rereadAfterReconnect);
            default -> {
            }
        }
    }

    /** A reconnection with nothing new publishes no notice, so read once to clear the stale flag. */
    private void rereadAfterReconnect() {
        if (state != State.STARTED) {
            return;
        }
        try {
            org.apache.zookeeper.data.Stat stat = new org.apache.zookeeper.data.Stat();
            byte[] data = store.curator().getData().storingStatIn(stat).forPath(store.setPath(name));
            advanceTo(data, stat);
        } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
            stale = false;
        } catch (Exception e) {
            LOG.warn("Could not re-read configuration set {} after reconnecting: {}", name, e.toString());
        }
    }

    private void deleted() {
        stale = true;
        LOG.warn("Configuration set {} was deleted; keeping version {} and marking it stale", name, current.version());
    }

    /** Runs on the worker thread only. */
    private void advanceTo(byte[] data, org.apache.zookeeper.data.Stat stat) {
        ConfigSnapshot next;
        try {
            next = store.decodeSet(name, data, stat);
        } catch (CorruptConfigException e) {
            stale = true;
            LOG.error("{} Keeping version {}.", e.getMessage(), current.version());
            return;
        }
        ConfigSnapshot previous = current;
        if (next.version() <= previous.version()) {
            stale = false;
            sessionLost = false;
            return;
        }
        List<ConfigSnapshot> steps = sessionLost ? List.of(next) : stepsBetween(previous, next);
        sessionLost = false;
        ConfigSnapshot from = previous;
        for (ConfigSnapshot step : steps) {
            List<Long> missed = new ArrayList<>();
            for (long v = from.version() + 1; v < step.version(); v++) {
                missed.add(v);
            }
            current = step;
            deliver(new ConfigChange(from, step, step.changedKeys(from), List.copyOf(missed)));
            from = step;
        }
        stale = false;
    }

    /** Every version after {@code from} up to {@code to}, from history where kept; unkept ones are skipped. */
    private List<ConfigSnapshot> stepsBetween(ConfigSnapshot from, ConfigSnapshot to) {
        if (to.version() == from.version() + 1) {
            return List.of(to);
        }
        List<ConfigSnapshot> steps = new ArrayList<>();
        try {
            Map<Long, ConfigSnapshot> kept = store.keptVersions(name, from.version() + 1, to.version() - 1);
            for (long v = from.version() + 1; v < to.version(); v++) {
                if (kept.containsKey(v)) {
                    steps.add(kept.get(v));
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not read the history of configuration set {}; delivering v{} as one change: {}",
                    name, to.version(), e.toString());
        }
        steps.add(to);
        return steps;
    }

    private void deliver(ConfigChange change) {
        for (ConfigListener listener : listeners) {
            try {
                listener.configChanged(change);
            } catch (Exception | LinkageError e) {
                LOG.error("Listener {} failed on configuration set {} v{} (keys {}): {}", listener, name,
                        change.current().version(), change.changedKeys(), e.toString());
            }
        }
    }
}
