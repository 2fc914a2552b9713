package io.zktoolkit.locks;

import io.zktoolkit.config.AccessDeniedException;
import io.zktoolkit.config.ToolkitClient;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election (Curator's {@code LeaderLatch}) whose every leadership carries a fencing token
 * and learns who led before.
 *
 * <p><b>Design.</b> Participants of a group each hold an ephemeral sequential node under
 * {@code /elections/<group>/latch}; the lowest leads. A new leader reads the creation zxid of its
 * own node as its token (higher than every earlier leader's, since leadership passes in node
 * order and a node recreated after a lost session is newer still), reads the group's breadcrumb
 * to learn the previous leader and its token, then replaces the breadcrumb with its own in a
 * fenced write: only a participant that still holds its node can leave one. Only then are
 * listeners told, on the election's own thread. Leadership ends with the node: a clean
 * {@link #close()} deletes it at once, a crashed leader's node goes when its session expires,
 * which bounds failover after kill -9 by the session timeout; a node deleted by another client
 * (a forced failover) makes the leader step down and tells listeners {@code notLeader}, after
 * which this election no longer leads (an {@code ActiveStandby} joins a fresh one). For leadership that passes on when
 * a piece of work ends, see {@link SelectorElection}.
 *
 * <pre>{@code
 * try (LeaderElection election = LeaderElection.create(zk, "sqoop-coordinator", "edge-3:4711")) {
 *     election.addListener(new LeadershipListener() { ... });
 *     election.start();
 * }
 * }</pre>
 */
public final class LeaderElection implements Closeable {
    /** Lifecycle. */
    public enum State {
        /** Built, not started. */
        LATENT,
        /** Taking part. */
        STARTED,
        /** Closed. */
        CLOSED
    }

    /** Where election groups live, under the client's namespace. */
    public static final String ROOT = "/elections";
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

    private final CuratorFramework curator;
    private final ElectionGroup group;
    private final String participantId;
    private final LeaderLatch latch;
    private final ExecutorService events;
    private final List<LeadershipListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Leadership leadership;
    private volatile State state = State.LATENT;

    private LeaderElection(CuratorFramework curator, String group, String participantId) {
        this.curator = Objects.requireNonNull(curator, "curator");
        this.group = new ElectionGroup(curator, group);
        this.participantId = ElectionGroup.checkedParticipantId(participantId);
        this.latch = new LeaderLatch(curator, this.group.latchPath(), participantId, LeaderLatch.CloseMode.NOTIFY_LEADER);
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "zktoolkit-election-" + group);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * An election in {@code group} (for example {@code sqoop-coordinator}) for participant {@code participantId}.
     *
     * @throws IllegalArgumentException when the group is empty or contains '/', or the id is empty or spans lines
     */
    public static LeaderElection create(ToolkitClient client, String group, String participantId) {
        return new LeaderElection(client.curator(), group, participantId);
    }

    /** The same on a plain Curator client. */
    public static LeaderElection create(CuratorFramework curator, String group, String participantId) {
        return new LeaderElection(curator, group, participantId);
    }

    /** Joins the election. */
    public synchronized void start() {
        if (state != State.LATENT) {
            throw new IllegalStateException("Election " + group + " is " + state + "; start() may be called once");
        }
        state = State.STARTED;
        latch.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                tookOver();
            }

            @Override
            public void notLeader() {
                steppedDown("the latch reports leadership lost");
            }
        }, events);
        try {
            latch.start();
        } catch (Exception e) {
            AccessDeniedException.throwIfDenied(e, "join election " + group);
            throw new LockLostException("Could not join election " + group + ": " + e, e);
        }
    }

    /** Adds a listener. */
    public void addListener(LeadershipListener listener) {
        listeners.add(listener);
    }

    /** This participant's leadership, if it leads now. */
    public Optional<Leadership> leadership() {
        Leadership now = leadership;
        return now != null && now.state() == FencedOwnership.State.HELD ? Optional.of(now) : Optional.empty();
    }

    /** Waits up to {@code timeout} for this participant to lead. */
    public Optional<Leadership> awaitLeadership(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && state == State.STARTED) {
            Optional<Leadership> now = leadership();
            if (now.isPresent()) {
                return now;
            }
            Thread.sleep(5);
        }
        return leadership();
    }

    /** The group. */
    public String group() {
        return group.name();
    }

    /** This participant's id. */
    public String participantId() {
        return participantId;
    }

    /** Lifecycle state. */
    public State state() {
        return state;
    }

    /** Leaves the election; a leader's node is deleted at once, so a standby takes over without waiting for a timeout. */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        try {
            latch.close();
        } catch (IOException | IllegalStateException e) {
            LOG.warn("Closing election {} failed: {}", group, e.toString());
        }
        Leadership was = leadership;
        if (was != null) {
            was.abandon("the election was closed");
        }
        events.shutdown();
        try {
            events.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs on the election's thread. */
    private void tookOver() {
        String node = latch.getOurPath();
        try {
            Stat stat = node == null ? null : curator.checkExists().forPath(node);
            if (stat == null) {
                LOG.warn("Election {}: told of leadership but our node {} is gone; waiting for the latch", group, node);
                return;
            }
            Leadership mine = group.takeOver(participantId, node, stat.getCzxid(), this::close);
            leadership = mine;
            watchRemoval(node);
            LOG.info("{} leads {} with token {} (previous: {})", participantId, group.name(), mine.token(),
                    mine.previousLeader().orElse(null));
            for (LeadershipListener listener : listeners) {
                try {
                    listener.isLeader(mine);
                } catch (Exception e) {
                    LOG.error("Leadership listener {} failed in group {}: {}", listener, group, e.toString());
                }
            }
        } catch (LockLostException e) {
            LOG.warn("Election {}: leadership lost while taking over: {}", group, e.getMessage());
        } catch (Exception e) {
            LOG.error("Election {}: taking over failed: {}", group, e.toString());
        }
    }

    /**
     * The latch never watches its own node, so a leader whose node an operator deleted (a forced
     * failover) would lead on beside the next one; this watch makes it step down instead.
     */
    private void watchRemoval(String node) throws Exception {
        curator.checkExists().usingWatcher((org.apache.curator.framework.api.CuratorWatcher) event -> {
            if (event.getType() == org.apache.zookeeper.Watcher.Event.EventType.NodeDeleted && state == State.STARTED) {
                events.execute(() -> {
                    Leadership now = leadership;
                    if (now != null && now.nodePath().equals(node)) {
                        steppedDown("its node " + node + " was deleted by another client (a forced failover)");
                    }
                });
            }
        }).forPath(node);
    }

    /** Runs on the election's thread. */
    private void steppedDown(String why) {
        Leadership was = leadership;
        leadership = null;
        if (was == null) {
            return;
        }
        was.abandon(why);
        for (LeadershipListener listener : listeners) {
            try {
                listener.notLeader();
            } catch (Exception e) {
                LOG.error("Leadership listener {} failed in group {}: {}", listener, group, e.toString());
            }
        }
    }
}
