package io.zktoolkit.locks;

import io.zktoolkit.config.ToolkitClient;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.listen.StandardListenerManager;
import org.apache.curator.framework.recipes.leader.LeaderSelector;
import org.apache.curator.framework.recipes.leader.LeaderSelectorListenerAdapter;
import org.apache.curator.framework.recipes.locks.LockInternals;
import org.apache.curator.framework.recipes.locks.StandardLockInternalsDriver;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election in the selector style (Curator's {@code LeaderSelector}): the leader runs a piece
 * of {@link LeaderWork}, and leadership ends when the work returns, throws, or leadership is lost.
 * The participant then queues again behind the others (unless requeue is off), so leadership
 * rotates. Each turn gets a {@link Leadership} like {@link LeaderElection}'s: a fencing token higher
 * than every earlier leader's, {@code checkHeld()}, fenced writes, and the breadcrumb of the leader
 * before.
 *
 * <pre>{@code
 * try (SelectorElection election = SelectorElection.builder(zk)
 *         .group("compactor").participantId("edge-3:4711")
 *         .work(leadership -> compactOnce(leadership))
 *         .build()) {
 *     election.start();
 *     ...
 * }
 * }</pre>
 *
 * <p><b>States</b> ({@link #state()}), made explicit as in Hadoop's {@code ActiveStandbyElector}:
 * <pre>
 * LATENT  --start()----------------------------------------------------------&gt; WAITING
 * WAITING --our node first in line, token read, breadcrumb left (fenced)-----&gt; LEADING
 * LEADING --work returned or threw, was interrupted on loss or close, or
 *           Leadership.release()----------------------------------------------&gt; WAITING (requeue on)
 *                                                                               IDLE    (requeue off)
 * WAITING --the attempt ended without leading (connection lost while in line),
 *           requeue off-------------------------------------------------------&gt; IDLE
 * IDLE    --requeue()---------------------------------------------------------&gt; WAITING
 * any     --close()-----------------------------------------------------------&gt; CLOSED
 * </pre>
 * During LEADING the turn's {@link Leadership} has states of its own ({@link FencedOwnership.State}):
 * HELD; IN_DOUBT while the connection is suspended; HELD again when a reconnection finds the node;
 * LOST when the session is lost or the node is found gone; RELEASED when the turn ends. Loss follows
 * {@code zk.ownership.lost.on}: with {@code suspended} (the default) a suspended connection ends the
 * turn, with {@code lost} only a lost session does. On such an event the leadership's state is
 * moved first, then the work's thread is interrupted (Curator's {@code CancelLeadershipException}),
 * so the interrupted work's next {@code checkHeld()} fails.
 *
 * <p><b>Design.</b> Lock nodes live under {@code /elections/<group>/selector}, the breadcrumb at
 * {@code /elections/<group>/breadcrumb}, as for {@link LeaderElection} (whose latch nodes are under
 * {@code .../latch}: use one style per group). The token is the creation zxid of our lock node, but
 * Curator's {@code LeaderSelector} creates that node inside its own mutex, out of reach. So each
 * participant writes its id and a random nonce into its lock node, and at the start of a turn reads
 * the line: while Curator's mutex is ours our node is first in line, since the mutex is granted only
 * to the first node; if the first node carries our nonce, its creation zxid is our token, and if it
 * does not, our session ended since the grant and the turn is skipped. No other node of ours can be
 * first: attempts run one at a time on one thread, and a node left by an earlier attempt (a delete
 * still being retried) would be ahead of the current one and would have kept it from the mutex.
 * The nonce, not the participant id or the session, is what tells us apart from a participant
 * started with the same id or on the same client. Tokens rise from turn to turn for the reason
 * given in {@link LeaderElection}: the mutex grants nodes in creation order, and a node made after
 * the group's folder was emptied and recreated is newer still.
 *
 * <p>A clean {@link #close()} interrupts the work and waits (up to the close timeout) for it to
 * return, so the lock node is gone when {@code close()} returns and the next participant takes over
 * at once. A crashed leader's node goes when its session expires.
 */
public final class SelectorElection implements Closeable {
    /** Where this participant stands; see the class description for the transitions. */
    public enum State {
        /** Built, not started. */
        LATENT,
        /** In line for leadership. */
        WAITING,
        /** Leading: the work is running. */
        LEADING,
        /** Not in line: a turn ended with requeue off; {@link #requeue()} queues again. */
        IDLE,
        /** Closed. */
        CLOSED
    }

    private static final Logger LOG = LoggerFactory.getLogger(SelectorElection.class);
    /** The name Curator's {@code InterProcessMutex} gives its lock nodes. */
    private static final String LOCK_NAME = "lock-";
    private static final StandardLockInternalsDriver LINE_ORDER = new StandardLockInternalsDriver();
    /** So that a fault every leader hits (a breadcrumb another tool wrote) does not spin the group. */
    private static final long PAUSE_AFTER_FAILED_TAKEOVER_MS = 1000;

    private final CuratorFramework curator;
    private final ElectionGroup group;
    private final String participantId;
    private final String nodeData;
    private final LeaderWork work;
    private final boolean requeue;
    private final Duration closeTimeout;
    private final AttemptRunner attempts;
    private final LeaderSelector selector;
    private final StandardListenerManager<LeadershipListener> listeners = StandardListenerManager.standard();
    private volatile Thread attemptThread;
    private volatile Leadership current;
    private State state = State.LATENT;

    private SelectorElection(Builder builder) {
        this.curator = builder.curator;
        this.group = new ElectionGroup(curator, builder.group);
        this.participantId = ElectionGroup.checkedParticipantId(builder.participantId);
        if (builder.work == null) {
            throw new IllegalStateException("Selector election " + group + ": work is not set; call work(...) with"
                    + " what the leader runs each turn");
        }
        this.work = builder.work;
        this.requeue = builder.requeue;
        this.closeTimeout = builder.closeTimeout;
        this.nodeData = participantId + "\n" + UUID.randomUUID();
        String threadName = builder.threadName != null ? builder.threadName
                : "zktoolkit-selector-" + group + "-" + participantId;
        this.attempts = new AttemptRunner(this, threadName);
        this.selector = new LeaderSelector(curator, group.selectorPath(), attempts, new TurnListener());
        selector.setId(nodeData);
        if (requeue) {
            selector.autoRequeue();
        }
    }

    /** A builder for an election on {@code client}. */
    public static Builder builder(ToolkitClient client) {
        return new Builder(client.curator());
    }

    /** The same on a plain Curator client. */
    public static Builder builder(CuratorFramework curator) {
        return new Builder(curator);
    }

    /** Joins the line for leadership; the work runs on the election's thread whenever this participant leads. */
    public synchronized void start() {
        if (state != State.LATENT) {
            throw new IllegalStateException("Selector election " + group + " is " + state + "; start() may be called once");
        }
        state = State.WAITING;
        selector.start();
    }

    /**
     * Queues again after a turn ended with requeue off.
     *
     * @return true if this participant is now in line, false if it already was or is leading
     */
    public synchronized boolean requeue() {
        if (state == State.LATENT || state == State.CLOSED) {
            throw new IllegalStateException("Selector election " + group + " is " + state + "; requeue() needs a started,"
                    + " open election");
        }
        if (selector.requeue()) {
            state = State.WAITING;
            return true;
        }
        return false;
    }

    /** Adds a listener, told on the election's thread before each turn's work starts and after it ends. */
    public void addListener(LeadershipListener listener) {
        listeners.addListener(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener. */
    public void removeListener(LeadershipListener listener) {
        listeners.removeListener(listener);
    }

    /** This participant's leadership, if it leads now and holds it. */
    public Optional<Leadership> leadership() {
        Leadership now = current;
        return now != null && now.state() == FencedOwnership.State.HELD ? Optional.of(now) : Optional.empty();
    }

    /** Where this participant stands. */
    public synchronized State state() {
        return state;
    }

    /** The group. */
    public String group() {
        return group.name();
    }

    /** This participant's id. */
    public String participantId() {
        return participantId;
    }

    /**
     * Leaves the election. Running work is interrupted and its leadership released at once, so its
     * {@code checkHeld()} fails; then this waits up to the close timeout for the work to return, after
     * which Curator has deleted the lock node and the next participant leads. Work that ignores the
     * interrupt keeps the node (and so the group) until it returns.
     */
    @Override
    public void close() {
        Leadership was;
        boolean started;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            started = state != State.LATENT;
            state = State.CLOSED;
            was = current;
        }
        if (was != null) {
            was.release();
        }
        if (started) {
            try {
                selector.close();
            } catch (IllegalStateException e) {
                LOG.warn("Closing selector election {} failed: {}", group, e.toString());
            }
        }
        attempts.shutdown();
        if (Thread.currentThread() == attemptThread) {
            // closed from its own work or listener: the turn ends when that returns
            return;
        }
        try {
            if (!attempts.awaitTermination(closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Selector election {}: the work of {} did not return within {} of its interrupt; its lock node"
                        + " stays, and no one else leads, until it does", group, participantId, closeTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "SelectorElection[" + group + ", " + participantId + ", " + state() + "]";
    }

    /** The participant id in a lock node's data (the id, then our nonce on the next line). */
    static String participantOf(byte[] nodeData) {
        if (nodeData == null) {
            return "";
        }
        String text = new String(nodeData, StandardCharsets.UTF_8);
        int lineEnd = text.indexOf('\n');
        return lineEnd < 0 ? text : text.substring(0, lineEnd);
    }

    /** One turn, on the attempt thread, while Curator's mutex is ours. */
    private void takeTurn() throws InterruptedException {
        Turn turn = new Turn(Thread.currentThread());
        Leadership leadership;
        try {
            Optional<OwnNode> node = ourNode();
            if (node.isEmpty()) {
                LOG.warn("Selector election {}: {} was granted leadership but its node is no longer first in line;"
                        + " its session ended meanwhile, skipping the turn", group, participantId);
                return;
            }
            leadership = group.takeOver(participantId, node.get().path(), node.get().czxid(), turn::stepDown);
        } catch (InterruptedException e) {
            throw e;
        } catch (LockLostException e) {
            LOG.warn("Selector election {}: leadership lost while taking over: {}", group, e.getMessage());
            return;
        } catch (Exception e) {
            LOG.error("Selector election {}: taking over failed, giving the turn up: {}", group, e.toString());
            Thread.sleep(PAUSE_AFTER_FAILED_TAKEOVER_MS);
            return;
        }
        synchronized (this) {
            if (state == State.CLOSED) {
                leadership.release();
                return;
            }
            state = State.LEADING;
            current = leadership;
        }
        LOG.info("{} leads {} with token {} (previous: {})", participantId, group, leadership.token(),
                leadership.previousLeader().orElse(null));
        turn.begin();
        boolean interrupted = false;
        try {
            tellListeners(listener -> listener.isLeader(leadership));
            work.lead(leadership);
        } catch (InterruptedException e) {
            interrupted = true;
            LOG.info("Selector election {}: the work of {} was interrupted ({})", group, participantId, leadership.state());
        } catch (Exception e) {
            LOG.error("Selector election {}: the work of {} failed, giving leadership up", group, participantId, e);
        } finally {
            turn.end();
            synchronized (this) {
                current = null;
                if (state == State.LEADING) {
                    state = requeue ? State.WAITING : State.IDLE;
                }
            }
            if (leadership.state() == FencedOwnership.State.LOST) {
                leadership.abandon("lost during the turn");
            } else {
                leadership.release();
            }
            tellListeners(LeadershipListener::notLeader);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private record OwnNode(String path, long czxid) {
    }

    /** Our lock node if it is first in line (see the class description for why that suffices). */
    private Optional<OwnNode> ourNode() throws Exception {
        String base = group.selectorPath();
        List<String> line = LockInternals.getSortedChildren(curator, base, LOCK_NAME, LINE_ORDER);
        if (line.isEmpty()) {
            return Optional.empty();
        }
        String first = ZKPaths.makePath(base, line.get(0));
        Stat stat = new Stat();
        byte[] data;
        try {
            data = curator.getData().storingStatIn(stat).forPath(first);
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
        return Arrays.equals(data, nodeData.getBytes(StandardCharsets.UTF_8))
                ? Optional.of(new OwnNode(first, stat.getCzxid()))
                : Optional.empty();
    }

    private interface ListenerCall {
        void tell(LeadershipListener listener) throws Exception;
    }

    private void tellListeners(ListenerCall call) {
        listeners.forEach(listener -> {
            try {
                call.tell(listener);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.error("Leadership listener {} failed in group {}: {}", listener, group, e.toString());
            }
        });
    }

    private synchronized void attemptEnded(boolean anotherQueued) {
        if (state == State.WAITING && !anotherQueued) {
            state = State.IDLE;
        }
    }

    /** Curator's callbacks. */
    private final class TurnListener extends LeaderSelectorListenerAdapter {
        @Override
        public void takeLeadership(CuratorFramework client) throws Exception {
            takeTurn();
        }

        @Override
        public void stateChanged(CuratorFramework client, ConnectionState newState) {
            Leadership now = current;
            if (now != null && client.getConnectionStateErrorPolicy().isErrorState(newState)) {
                // before the interrupt below, so the interrupted work's checkHeld() already fails
                now.connectionChanged(client, newState);
            }
            super.stateChanged(client, newState);
        }
    }

    /** Lets {@link Leadership#release()} interrupt the work, but only while it runs. */
    private static final class Turn {
        private final Thread worker;
        private boolean working;

        Turn(Thread worker) {
            this.worker = worker;
        }

        synchronized void begin() {
            working = true;
        }

        synchronized void end() {
            working = false;
        }

        synchronized void stepDown() {
            // the work releasing its own leadership returns by itself; an interrupt would only hit its clean-up
            if (working && Thread.currentThread() != worker) {
                worker.interrupt();
            }
        }
    }

    /**
     * The one thread Curator's attempts run on: one attempt at a time, which both Curator's selector
     * and finding our own node rely on. Tells the election when an attempt ended with none queued
     * after it, which with requeue off means this participant left the line.
     */
    private static final class AttemptRunner extends ThreadPoolExecutor {
        private final SelectorElection election;

        AttemptRunner(SelectorElection election, String threadName) {
            super(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, threadName);
                thread.setDaemon(true);
                election.attemptThread = thread;
                return thread;
            });
            this.election = election;
        }

        @Override
        protected void afterExecute(Runnable attempt, Throwable failure) {
            election.attemptEnded(!getQueue().isEmpty());
        }
    }

    /** Builds a {@link SelectorElection}; group, participant id and work are required. */
    public static final class Builder {
        private final CuratorFramework curator;
        private String group;
        private String participantId;
        private LeaderWork work;
        private boolean requeue = true;
        private String threadName;
        private Duration closeTimeout = Duration.ofSeconds(10);

        private Builder(CuratorFramework curator) {
            this.curator = Objects.requireNonNull(curator, "curator");
        }

        /** The election group, for example {@code compactor}: one node name under {@value LeaderElection#ROOT}. */
        public Builder group(String group) {
            this.group = group;
            return this;
        }

        /** This participant's id, for breadcrumbs and {@link LockInspector}, for example {@code edge-3:4711}. */
        public Builder participantId(String participantId) {
            this.participantId = participantId;
            return this;
        }

        /** What the leader runs each turn. */
        public Builder work(LeaderWork work) {
            this.work = Objects.requireNonNull(work, "work must not be null: it is what the leader runs each turn");
            return this;
        }

        /** Whether to queue again after each turn, so leadership rotates (default true). */
        public Builder requeue(boolean requeue) {
            this.requeue = requeue;
            return this;
        }

        /** The name of the thread the work runs on (default {@code zktoolkit-selector-<group>-<participant id>}). */
        public Builder threadName(String threadName) {
            this.threadName = Objects.requireNonNull(threadName, "threadName");
            return this;
        }

        /** How long {@link SelectorElection#close()} waits for interrupted work to return (default 10 s). */
        public Builder closeTimeout(Duration closeTimeout) {
            if (closeTimeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout must not be negative, was " + closeTimeout);
            }
            this.closeTimeout = closeTimeout;
            return this;
        }

        /**
         * The election, not started yet.
         *
         * @throws IllegalArgumentException when the group is empty or contains '/', or the participant id is
         *         empty or spans lines
         * @throws IllegalStateException when no work was set
         */
        public SelectorElection build() {
            return new SelectorElection(this);
        }
    }
}
