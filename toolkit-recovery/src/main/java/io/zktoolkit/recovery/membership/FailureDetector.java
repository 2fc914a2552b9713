package io.zktoolkit.recovery.membership;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.recovery.FleetLayout;
import io.zktoolkit.sync.CorruptSyncDataException;
import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a fleet's members and reports each as {@link MemberHealth#SUSPECT suspect} when its
 * heartbeat stalls and as {@link MemberHealth#DEAD dead} when its session ends.
 *
 * <p><b>Design.</b> Two signals, because they mean different things. A member's node goes only
 * when ZooKeeper ends its session: that is certain, and its locks are gone with it, so only
 * death lets work move. A stalled heartbeat is a guess (a GC pause, SIGSTOP, an overloaded host
 * or a cut link look alike) and may end in recovery, so suspicion is reported but moves
 * nothing. Staleness is measured on this process's monotonic clock from when it last saw the
 * heartbeat change, never by comparing the member's clock with ours. While this detector's own
 * connection is suspended it cannot see heartbeats at all, so it suspects no one, and it
 * restarts every member's clock when the connection returns.
 *
 * <p>Listeners are told in order on the detector's own thread.
 */
public final class FailureDetector implements Closeable {
    /** Lifecycle. */
    public enum State {
        /** Built, not started. */
        LATENT,
        /** Watching. */
        STARTED,
        /** Closed. */
        CLOSED
    }

    private static final Logger LOG = LoggerFactory.getLogger(FailureDetector.class);

    private final CuratorFramework curator;
    private final FleetLayout layout;
    private final Duration suspectAfter;
    private final CuratorCache cache;
    private final ScheduledExecutorService thread;
    private final List<MemberHealthListener> listeners = new CopyOnWriteArrayList<>();
    private final ConnectionStateListener connectionListener = (client, newState) -> connectionChanged(newState);
    /** Only touched on {@link #thread}. */
    private final Map<String, Tracked> members = new HashMap<>();
    private volatile List<MemberStatus> snapshot = List.of();
    private volatile boolean connected = true;
    private volatile State state = State.LATENT;

    private static final class Tracked {
        MemberRecord record;
        MemberHealth health = MemberHealth.ALIVE;
        long lastChangeNanos;
    }

    private FailureDetector(ToolkitClient zk, String fleet, Duration suspectAfter) {
        this.curator = zk.curator();
        this.layout = new FleetLayout(fleet);
        if (suspectAfter.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("suspectAfter must be at least 100 ms, got " + suspectAfter);
        }
        this.suspectAfter = suspectAfter;
        this.cache = CuratorCache.build(curator, layout.members());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "zktoolkit-detector-" + fleet);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A detector for {@code fleet} that suspects a member whose heartbeat has not moved for
     * {@code suspectAfter} (for example three heartbeat intervals).
     */
    public static FailureDetector create(ToolkitClient zk, String fleet, Duration suspectAfter) {
        return new FailureDetector(zk, fleet, Objects.requireNonNull(suspectAfter, "suspectAfter"));
    }

    /** Adds a listener; add listeners before {@link #start()} to hear of the members already there. */
    public void addListener(MemberHealthListener listener) {
        listeners.add(listener);
    }

    /** Starts watching, and waits up to 30 s until the members present now are known. */
    public void start() {
        synchronized (this) {
            if (state != State.LATENT) {
                throw new IllegalStateException("Failure detector of " + layout + " is " + state + "; start() may be called once");
            }
            state = State.STARTED;
        }
        java.util.concurrent.CountDownLatch primed = new java.util.concurrent.CountDownLatch(1);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, now) -> onData(now))
                .forDeletes(this::onDelete)
                .forInitialized(primed::countDown)
                .build(), thread);
        curator.getConnectionStateListenable().addListener(connectionListener);
        cache.start();
        long tick = Math.max(20, suspectAfter.toMillis() / 4);
        thread.scheduleWithFixedDelay(this::checkHeartbeats, tick, tick, TimeUnit.MILLISECONDS);
        try {
            if (!primed.await(30, TimeUnit.SECONDS)) {
                LOG.warn("Failure detector of {}: the members are not all known after 30 s; carrying on", layout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every member not known dead, oldest identity first. */
    public List<MemberStatus> members() {
        return snapshot;
    }

    /** The fleet's layout. */
    public FleetLayout layout() {
        return layout;
    }

    /** The lifecycle state. */
    public State state() {
        return state;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
        }
        curator.getConnectionStateListenable().removeListener(connectionListener);
        cache.close();
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void onData(ChildData data) {
        if (data.getPath().equals(layout.members())) {
            return;
        }
        String node = ZKPaths.getNodeFromPath(data.getPath());
        MemberRecord record;
        try {
            record = MemberRecord.decode(data.getPath(), node, data.getData());
        } catch (CorruptSyncDataException e) {
            LOG.warn("Failure detector of {}: ignoring a node that is not a member: {}", layout, e.getMessage());
            return;
        }
        Tracked tracked = members.get(node);
        boolean joined = tracked == null;
        if (joined) {
            tracked = new Tracked();
            members.put(node, tracked);
        }
        boolean moved = joined || record.heartbeat() != tracked.record.heartbeat();
        tracked.record = record;
        if (moved) {
            tracked.lastChangeNanos = System.nanoTime();
        }
        publish();
        if (joined) {
            tell(l -> l.joined(record));
        } else if (moved && tracked.health == MemberHealth.SUSPECT) {
            tracked.health = MemberHealth.ALIVE;
            publish();
            tell(l -> l.recovered(record));
        }
    }

    private void onDelete(ChildData data) {
        Tracked tracked = members.remove(ZKPaths.getNodeFromPath(data.getPath()));
        if (tracked == null) {
            return;
        }
        tracked.health = MemberHealth.DEAD;
        publish();
        MemberRecord last = tracked.record;
        tell(l -> l.dead(last));
    }

    private void checkHeartbeats() {
        if (!connected) {
            return;
        }
        long now = System.nanoTime();
        for (Tracked tracked : members.values()) {
            long silent = now - tracked.lastChangeNanos;
            if (tracked.health == MemberHealth.ALIVE && silent > suspectAfter.toNanos()) {
                tracked.health = MemberHealth.SUSPECT;
                publish();
                MemberRecord record = tracked.record;
                Duration silentFor = Duration.ofNanos(silent);
                tell(l -> l.suspect(record, silentFor));
            }
        }
    }

    private void connectionChanged(ConnectionState newState) {
        if (newState == ConnectionState.SUSPENDED || newState == ConnectionState.LOST) {
            connected = false;
        } else if (newState.isConnected() && !thread.isShutdown()) {
            thread.execute(() -> {
                long now = System.nanoTime();
                members.values().forEach(t -> t.lastChangeNanos = now);
                connected = true;
            });
        }
    }

    private void publish() {
        List<MemberStatus> now = new ArrayList<>(members.size());
        members.values().forEach(t -> now.add(new MemberStatus(t.record, t.health)));
        now.sort(Comparator.comparing((MemberStatus s) -> sequenceOf(s.record().node())).thenComparing(s -> s.record().node()));
        snapshot = List.copyOf(now);
    }

    /** The sequence ZooKeeper appended to a member node's name: later joins have higher ones. */
    static long sequenceOf(String node) {
        return MemberRecord.sequenceOf(node);
    }

    private void tell(java.util.function.Consumer<MemberHealthListener> event) {
        for (MemberHealthListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                LOG.error("Member health listener {} failed: {}", listener, e.toString());
            }
        }
    }
}
