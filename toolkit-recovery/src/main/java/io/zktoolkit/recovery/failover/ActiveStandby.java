package io.zktoolkit.recovery.failover;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.Breadcrumb;
import io.zktoolkit.locks.FencedOwnership;
import io.zktoolkit.locks.LeaderElection;
import io.zktoolkit.locks.Leadership;
import io.zktoolkit.locks.LeadershipListener;
import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An active/standby group: every participant runs one of these, exactly one is active at a time,
 * and a standby takes over when the active dies, after fencing it.
 *
 * <p><b>Design.</b> A state machine in the manner of Hadoop's ActiveStandbyElector, on the
 * toolkit's {@link LeaderElection}:
 * <pre>
 *   STANDBY --elected--> FENCING --fenced--> ACTIVE --leadership lost--> STANDBY
 *                           |                   |
 *                           | fence failed      | connection suspended, policy "lost"
 *                           v                   v
 *                      re-enter election     NEUTRAL --reconnected--> ACTIVE
 * </pre>
 * A new leader reads who was last active (its id and token, at {@code /failover/<group>/active},
 * written by each active only once it has fenced, so an elected participant that failed to fence
 * never hides the active it failed to fence). Before {@link ActiveService#becomeActive} runs, the
 * {@link Fencer} fences that previous active, because a leader's node goes when its session expires, not when
 * its process stops: a paused old active may wake up still acting. If fencing fails the
 * participant gives leadership back and joins the election again after a pause, so a group never
 * has an active that did not fence. Leadership lost in any way (session expiry, a suspended
 * connection under the default {@code zk.ownership.lost.on=suspended}, close) calls
 * {@link ActiveService#becomeStandby} before anything else happens. With
 * {@code zk.ownership.lost.on=lost} a suspended connection moves an active to NEUTRAL instead:
 * still active, unable to confirm it, until the connection returns or the session is lost.
 * Transitions run one at a time on the failover's own thread.
 *
 * <p>After kill -9 of the active, the standby takes over once ZooKeeper expires the old
 * session: within the session timeout plus the fencing time.
 *
 * <pre>{@code
 * try (ActiveStandby driver = ActiveStandby.builder(zk, "streaming-orders", "driver-a", service)
 *         .fencer(new EpochFence(zk.curator(), "/failover/streaming-orders/epoch")).build()) {
 *     driver.start();
 *     ...
 * }
 * }</pre>
 */
public final class ActiveStandby implements Closeable {
    /** Where this participant stands. */
    public enum State {
        /** Built, not started. */
        LATENT,
        /** Waiting to be elected. */
        STANDBY,
        /** Elected; fencing the previous active. */
        FENCING,
        /** Active: the service runs. */
        ACTIVE,
        /** Active, but the connection is suspended and leadership cannot be confirmed. */
        NEUTRAL,
        /** Left the group. */
        CLOSED
    }

    private static final Logger LOG = LoggerFactory.getLogger(ActiveStandby.class);

    private final ToolkitClient zk;
    private final String group;
    private final String participantId;
    private final ActiveService service;
    private final Fencer fencer;
    private final Duration retryAfterFenceFailure;
    private final Clock clock;
    private final LastActive lastActive;
    private final ScheduledExecutorService thread;
    private volatile State state = State.LATENT;
    private volatile LeaderElection election;
    private volatile Takeover current;
    private int takeovers;

    private ActiveStandby(Builder b) {
        this.zk = b.zk;
        this.group = b.group;
        this.participantId = b.participantId;
        this.service = b.service;
        this.fencer = b.fencer;
        this.retryAfterFenceFailure = b.retryAfterFenceFailure;
        this.clock = b.clock;
        this.lastActive = new LastActive(zk.curator(), b.group);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "zktoolkit-failover-" + group);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A participant {@code participantId} of group {@code group} running {@code service} while active.
     *
     * @throws IllegalArgumentException for an invalid group or participant id (see {@link LeaderElection#create})
     */
    public static Builder builder(ToolkitClient zk, String group, String participantId, ActiveService service) {
        return new Builder(zk, group, participantId, service);
    }

    /** Joins the group as a standby. */
    public void start() {
        synchronized (this) {
            if (state != State.LATENT) {
                throw new IllegalStateException("Participant " + participantId + " of " + group + " is " + state
                        + "; start() may be called once");
            }
            state = State.STANDBY;
        }
        thread.execute(this::enterElection);
    }

    /** Where this participant stands now. */
    public State state() {
        return state;
    }

    /** The current takeover while active (or neutral). */
    public Optional<Takeover> takeover() {
        State now = state;
        return now == State.ACTIVE || now == State.NEUTRAL ? Optional.ofNullable(current) : Optional.empty();
    }

    /** Takeovers by this participant so far. */
    public synchronized int takeovers() {
        return takeovers;
    }

    /** The group. */
    public String group() {
        return group;
    }

    /** This participant's id. */
    public String participantId() {
        return participantId;
    }

    /**
     * Leaves the group: an active stops its service first, then gives leadership up at once so a
     * standby takes over without waiting for a session timeout.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
        }
        try {
            thread.submit(() -> {
                deactivate("closed");
                closeElection();
            }).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("{} of {}: closing did not finish cleanly: {}", participantId, group, e.toString());
            closeElection();
        }
        thread.shutdownNow();
    }

    @Override
    public String toString() {
        return "ActiveStandby[" + participantId + " in " + group + ", " + state + "]";
    }

    /** On the failover thread. */
    private void enterElection() {
        if (state == State.CLOSED) {
            return;
        }
        LeaderElection next = LeaderElection.create(zk, group, participantId);
        next.addListener(new LeadershipListener() {
            @Override
            public void isLeader(Leadership leadership) {
                thread.execute(() -> elected(next, leadership));
            }

            @Override
            public void notLeader() {
                thread.execute(() -> lostLeadership(next, "leadership of " + group + " was lost"));
            }
        });
        election = next;
        next.start();
    }

    /** On the failover thread. */
    private void elected(LeaderElection from, Leadership leadership) {
        if (from != election || state != State.STANDBY || leadership.state() != FencedOwnership.State.HELD) {
            return;
        }
        Instant electedAt = clock.instant();
        state = State.FENCING;
        long start = System.nanoTime();
        Optional<Breadcrumb> previous = Optional.empty();
        try {
            previous = lastActive.read();
            if (previous.isPresent()) {
                fencer.fence(previous.get(), leadership);
            }
            lastActive.write(leadership, participantId, electedAt);
        } catch (Exception e) {
            LOG.error("{} was elected in {} but could not fence the previous active {}: {}; giving leadership back",
                    participantId, group, previous.orElse(null), e.toString());
            state = State.STANDBY;
            closeElection();
            thread.schedule(this::enterElection, retryAfterFenceFailure.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        Takeover takeover = new Takeover(leadership, previous, electedAt,
                Duration.ofNanos(System.nanoTime() - start));
        current = takeover;
        leadership.addListener((ownership, newState) -> thread.execute(() -> ownershipChanged(from, newState)));
        synchronized (this) {
            takeovers++;
        }
        state = State.ACTIVE;
        LOG.info("{} is active in {} with token {} (fenced {} in {} ms)", participantId, group, leadership.token(),
                takeover.previous().map(p -> p.participantId() + " token " + p.token()).orElse("nobody"),
                takeover.fencing().toMillis());
        try {
            service.becomeActive(takeover);
        } catch (Exception e) {
            LOG.error("{} in {}: the service failed to become active: {}; giving leadership back", participantId, group, e.toString());
            deactivate("the service failed to become active: " + e);
            closeElection();
            thread.schedule(this::enterElection, retryAfterFenceFailure.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** On the failover thread. */
    private void ownershipChanged(LeaderElection from, FencedOwnership.State newState) {
        if (from != election) {
            return;
        }
        if (newState == FencedOwnership.State.IN_DOUBT && state == State.ACTIVE) {
            Takeover now = current;
            try {
                now.leadership().checkHeld();
                state = State.NEUTRAL;
                LOG.warn("{} in {}: connection suspended; neutral until it returns", participantId, group);
            } catch (RuntimeException e) {
                lostLeadership(from, "the connection to ZooKeeper is suspended");
            }
        } else if (newState == FencedOwnership.State.HELD && state == State.NEUTRAL) {
            state = State.ACTIVE;
            LOG.info("{} in {}: connection back, still active", participantId, group);
        } else if (newState == FencedOwnership.State.LOST) {
            lostLeadership(from, "leadership of " + group + " was lost");
        }
    }

    /** On the failover thread. */
    private void lostLeadership(LeaderElection from, String why) {
        if (from != election) {
            return;
        }
        boolean wasActive = state == State.ACTIVE || state == State.NEUTRAL || state == State.FENCING;
        deactivate(why);
        if (wasActive && state != State.CLOSED) {
            // The latch requeues by itself after a lost session; a fresh election also clears a
            // latch that gave up after SUSPENDED, so this participant is a standby again either way.
            closeElection();
            enterElection();
        }
    }

    /** On the failover thread. */
    private void deactivate(String why) {
        boolean wasActive = state == State.ACTIVE || state == State.NEUTRAL || current != null;
        Takeover was = current;
        current = null;
        if (state != State.CLOSED) {
            state = State.STANDBY;
        }
        if (was != null && wasActive) {
            LOG.warn("{} in {}: no longer active: {}", participantId, group, why);
            try {
                service.becomeStandby(why);
            } catch (RuntimeException e) {
                LOG.error("{} in {}: the service failed to stand by: {}", participantId, group, e.toString());
            }
        }
    }

    private void closeElection() {
        LeaderElection was = election;
        election = null;
        if (was != null) {
            was.close();
        }
    }

    /** Options of an {@link ActiveStandby}. */
    public static final class Builder {
        private final ToolkitClient zk;
        private final String group;
        private final String participantId;
        private final ActiveService service;
        private Fencer fencer;
        private Duration retryAfterFenceFailure = Duration.ofSeconds(1);
        private Clock clock = Clock.systemUTC();

        private Builder(ToolkitClient zk, String group, String participantId, ActiveService service) {
            this.zk = Objects.requireNonNull(zk, "zk");
            this.service = Objects.requireNonNull(service, "service");
            // Checks the names the same way the election will, before anything starts.
            LeaderElection.create(zk, group, participantId);
            this.group = group;
            this.participantId = participantId;
            this.fencer = new EpochFence(zk.curator(), "/failover/" + group + "/epoch");
        }

        /** How the previous active is fenced. Default an {@link EpochFence} at {@code /failover/<group>/epoch}. */
        public Builder fencer(Fencer value) {
            fencer = Objects.requireNonNull(value, "fencer");
            return this;
        }

        /** How long to wait before rejoining after fencing or activation failed. Default 1 s. */
        public Builder retryAfterFenceFailure(Duration value) {
            if (value.isNegative()) {
                throw new IllegalArgumentException("retryAfterFenceFailure must not be negative, got " + value);
            }
            retryAfterFenceFailure = value;
            return this;
        }

        /** The clock for the takeover's time stamps. */
        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** The participant, not yet started. */
        public ActiveStandby build() {
            return new ActiveStandby(this);
        }
    }
}
