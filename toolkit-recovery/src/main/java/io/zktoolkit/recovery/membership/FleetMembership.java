package io.zktoolkit.recovery.membership;

import io.zktoolkit.config.AccessDeniedException;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.recovery.FleetLayout;
import java.io.Closeable;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's membership of a fleet: an ephemeral node under the fleet's {@code members}
 * carrying host, process, start time and a heartbeat with load and last progress.
 *
 * <p><b>Design: the session-loss policy.</b> The node's name is the member's identity for one
 * ZooKeeper session. Work assigned to it, and locks taken under it, are valid only as long as
 * that session lives, so the membership never carries an identity across sessions:
 * <ul>
 *   <li>connection SUSPENDED: {@link State#PAUSED}. Heartbeats stop and listeners pause side
 *       effects, because the session may already be gone;</li>
 *   <li>RECONNECTED with the node still there: the same session survived, {@link State#JOINED}
 *       again under the same identity;</li>
 *   <li>session LOST, or the node found gone: {@link State#REJOINING}. Listeners stop every side
 *       effect of the old identity; the member joins again under a new node as soon as it can,
 *       and the fleet's leader treats it as a newcomer.</li>
 * </ul>
 * Everything runs on one thread, so a heartbeat never races a rejoin.
 *
 * <pre>{@code
 * try (FleetMembership me = FleetMembership.builder(zk, "sqoop-imports", "edge-3").build()) {
 *     me.start();
 *     me.reportProgress("orders: 40%");
 * }
 * }</pre>
 */
public final class FleetMembership implements Closeable {
    /** Lifecycle and session state. */
    public enum State {
        /** Built, not started. */
        LATENT,
        /** The node exists and heartbeats go out. */
        JOINED,
        /** The connection is suspended: the identity may be gone; pause side effects. */
        PAUSED,
        /** The identity is gone: stop side effects; a new node is on its way. */
        REJOINING,
        /** Left the fleet. */
        CLOSED
    }

    private static final Logger LOG = LoggerFactory.getLogger(FleetMembership.class);
    private static final Duration REJOIN_RETRY = Duration.ofMillis(500);

    private final CuratorFramework curator;
    private final FleetLayout layout;
    private final String memberId;
    private final Duration heartbeatInterval;
    private final DoubleSupplier load;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private final List<MemberStateListener> listeners = new CopyOnWriteArrayList<>();
    private final ConnectionStateListener connectionListener = (client, newState) -> connectionChanged(newState);
    private volatile State state = State.LATENT;
    private volatile String progress = "";
    private volatile MemberRecord record;
    private volatile String nodePath;
    private int joins;

    private FleetMembership(Builder b) {
        this.curator = b.zk.curator();
        this.layout = new FleetLayout(b.fleet);
        this.memberId = b.memberId;
        this.heartbeatInterval = b.heartbeatInterval;
        this.load = b.load;
        this.clock = b.clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "zktoolkit-member-" + memberId);
            t.setDaemon(true);
            return t;
        });
    }

    /** A builder for member {@code memberId} (stable across restarts, for example the host and slot) of {@code fleet}. */
    public static Builder builder(ToolkitClient zk, String fleet, String memberId) {
        return new Builder(zk, fleet, memberId);
    }

    /**
     * Joins: creates the member node and starts heartbeats.
     *
     * @throws MembershipException when the node cannot be created, naming the fleet and the cause
     */
    public void start() {
        synchronized (this) {
            if (state != State.LATENT) {
                throw new IllegalStateException("Membership of " + memberId + " in " + layout + " is " + state
                        + "; start() may be called once");
            }
            state = State.REJOINING;
        }
        try {
            thread.submit(() -> {
                joinOnce();
                return null;
            }).get(curator.getZookeeperClient().getConnectionTimeoutMs() + 30_000L, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            close();
            AccessDeniedException.throwIfDenied(cause, "join " + layout + " as member " + memberId);
            throw new MembershipException("Member " + memberId + " could not join " + layout + " on "
                    + curator.getZookeeperClient().getCurrentConnectionString() + ": " + cause, cause);
        }
        curator.getConnectionStateListenable().addListener(connectionListener);
        long every = heartbeatInterval.toMillis();
        thread.scheduleWithFixedDelay(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
    }

    /** Adds a listener for this member's own state. */
    public void addListener(MemberStateListener listener) {
        listeners.add(listener);
    }

    /** Sets the progress the next heartbeats carry, for example "orders: 40%". */
    public void reportProgress(String value) {
        progress = Objects.requireNonNull(value, "progress");
    }

    /** The stable id this member joins with. */
    public String memberId() {
        return memberId;
    }

    /** The fleet's layout. */
    public FleetLayout layout() {
        return layout;
    }

    /** This member's current node name (its identity this session), while it has one. */
    public Optional<String> node() {
        State now = state;
        MemberRecord mine = record;
        return (now == State.JOINED || now == State.PAUSED) && mine != null ? Optional.of(mine.node()) : Optional.empty();
    }

    /** How many times this member joined: 1 after start, one more per rejoin. */
    public synchronized int joins() {
        return joins;
    }

    /** The current state. */
    public State state() {
        return state;
    }

    /** Leaves the fleet: deletes the member node at once, so others see it leave without waiting for a timeout. */
    @Override
    public void close() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
        }
        curator.getConnectionStateListenable().removeListener(connectionListener);
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String path = nodePath;
        if (path != null) {
            try {
                curator.delete().guaranteed().forPath(path);
            } catch (KeeperException.NoNodeException e) {
                // Already gone with its session.
            } catch (Exception e) {
                LOG.warn("Member {} could not delete {} on leaving; it goes when the session ends: {}", memberId, path, e.toString());
            }
        }
        notifyListeners(State.CLOSED, null);
    }

    @Override
    public String toString() {
        return "FleetMembership[" + memberId + " in " + layout.fleet() + ", " + state + ", node "
                + (record == null ? "-" : record.node()) + "]";
    }

    /** On the membership thread. */
    private void joinOnce() throws Exception {
        Instant now = clock.instant();
        MemberRecord fresh = new MemberRecord(memberId, "", host(), ProcessHandle.current().pid(),
                record == null ? now : record.startedAt(), 0, now, load.getAsDouble(), progress);
        // Protection: a create retried after a lost reply must not leave a second node of ours.
        String path = curator.create().creatingParentContainersIfNeeded().withProtection()
                .withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath(layout.members() + "/" + memberId + "-", fresh.encode());
        nodePath = path;
        record = fresh.named(ZKPaths.getNodeFromPath(path));
        synchronized (this) {
            joins++;
            if (state == State.CLOSED) {
                return;
            }
            state = State.JOINED;
        }
        LOG.info("Member {} joined {} as {}", memberId, layout, record.node());
        notifyListeners(State.JOINED, record.node());
    }

    /** On the membership thread. */
    private void rejoin() {
        if (state == State.CLOSED) {
            return;
        }
        try {
            joinOnce();
        } catch (Exception e) {
            LOG.info("Member {} could not rejoin {} yet ({}); retrying", memberId, layout, e.toString());
            if (!thread.isShutdown()) {
                thread.schedule(this::rejoin, REJOIN_RETRY.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** On the membership thread. */
    private void heartbeat() {
        if (state != State.JOINED) {
            return;
        }
        MemberRecord next = record.beat(clock.instant(), load.getAsDouble(), progress);
        try {
            curator.setData().forPath(nodePath, next.encode());
            record = next;
        } catch (KeeperException.NoNodeException e) {
            identityLost("its node " + nodePath + " is gone");
            rejoin();
        } catch (Exception e) {
            // A connection blip: the connection listener decides what it means; the next beat tries again.
            LOG.debug("Member {} heartbeat failed: {}", memberId, e.toString());
        }
    }

    private void connectionChanged(ConnectionState newState) {
        if (thread.isShutdown()) {
            return;
        }
        thread.execute(() -> {
            switch (newState) {
                case SUSPENDED -> {
                    if (moveTo(State.JOINED, State.PAUSED)) {
                        notifyListeners(State.PAUSED, record.node());
                    }
                }
                case LOST -> {
                    // Curator delivers LOST late: a heartbeat may already have found the node gone
                    // and rejoined on the new session. That identity is not the one lost.
                    if (!ownedByCurrentSession()) {
                        identityLost("the ZooKeeper session was lost");
                    }
                }
                case RECONNECTED -> reconnected();
                default -> {
                }
            }
        });
    }

    private void reconnected() {
        State now = state;
        if (now == State.CLOSED || now == State.LATENT) {
            return;
        }
        boolean present;
        try {
            present = now != State.REJOINING && curator.checkExists().forPath(nodePath) != null;
        } catch (Exception e) {
            present = false;
        }
        if (present) {
            if (moveTo(State.PAUSED, State.JOINED)) {
                notifyListeners(State.JOINED, record.node());
            }
            return;
        }
        identityLost("its node " + nodePath + " is gone after the reconnection");
        rejoin();
    }

    private boolean ownedByCurrentSession() {
        String path = nodePath;
        if (path == null || state != State.JOINED && state != State.PAUSED) {
            return false;
        }
        try {
            org.apache.zookeeper.data.Stat stat = curator.checkExists().forPath(path);
            return stat != null && stat.getEphemeralOwner() == curator.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return false;
        }
    }

    private void identityLost(String why) {
        State was;
        synchronized (this) {
            was = state;
            if (was == State.CLOSED || was == State.REJOINING) {
                return;
            }
            state = State.REJOINING;
        }
        LOG.warn("Member {} lost its identity {} in {}: {}; stopping its work and rejoining", memberId,
                record == null ? "-" : record.node(), layout, why);
        notifyListeners(State.REJOINING, null);
    }

    private synchronized boolean moveTo(State from, State to) {
        if (state != from) {
            return false;
        }
        state = to;
        return true;
    }

    private void notifyListeners(State newState, String node) {
        for (MemberStateListener listener : listeners) {
            try {
                listener.stateChanged(newState, node);
            } catch (RuntimeException e) {
                LOG.error("Member state listener {} failed: {}", listener, e.toString());
            }
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    /** Options of a {@link FleetMembership}. */
    public static final class Builder {
        private final ToolkitClient zk;
        private final String fleet;
        private final String memberId;
        private Duration heartbeatInterval = Duration.ofSeconds(1);
        private DoubleSupplier load = () -> ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        private Clock clock = Clock.systemUTC();

        private Builder(ToolkitClient zk, String fleet, String memberId) {
            this.zk = Objects.requireNonNull(zk, "zk");
            new FleetLayout(fleet);
            if (memberId == null || !io.zktoolkit.sync.NodeNames.isName(memberId)) {
                throw new IllegalArgumentException("Invalid member id '" + memberId + "': " + io.zktoolkit.sync.NodeNames.NAME_RULE);
            }
            this.fleet = fleet;
            this.memberId = memberId;
        }

        /** How often the heartbeat goes out. Default 1 s; 50 ms to 1 min. */
        public Builder heartbeatInterval(Duration value) {
            if (value.compareTo(Duration.ofMillis(50)) < 0 || value.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("heartbeatInterval must be between 50 ms and 1 min, got " + value);
            }
            heartbeatInterval = value;
            return this;
        }

        /** What the heartbeat reports as load. Default the system load average. */
        public Builder load(DoubleSupplier value) {
            load = Objects.requireNonNull(value, "load");
            return this;
        }

        /** The clock for the heartbeat's time stamps (shown only). */
        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** The membership, not yet started. */
        public FleetMembership build() {
            return new FleetMembership(this);
        }
    }
}
