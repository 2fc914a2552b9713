package io.zktoolkit.recovery.spark;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.recovery.failover.ActiveService;
import io.zktoolkit.recovery.failover.ActiveStandby;
import io.zktoolkit.recovery.failover.EpochFence;
import io.zktoolkit.recovery.failover.Takeover;
import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A streaming query that runs in exactly one of several drivers: each driver (a Spark
 * application with its own session) runs one of these in the same group; the
 * {@link ActiveStandby active} one runs the query, the others wait with a warm session. When the
 * active dies (kill -9: once its ZooKeeper session expires) or is paused past its session, a
 * standby fences it (raises the group's {@link EpochFence}), starts the query from its
 * checkpoint, and records the takeover's timing ({@link #takeovers()}).
 *
 * <p>Leadership lost (session expired, connection suspended under the default
 * {@code zk.ownership.lost.on=suspended}) stops the query at once ({@link StreamingQuery#stop()}).
 * A driver that was paused may still finish a batch before it notices: write through
 * {@link ActiveRun#fencedSink}, which refuses it. A query that fails while its driver is active
 * is started again up to {@code maxRestarts} times (a stale active's leftover writes to the shared
 * checkpoint can fail the new active's query once); after that the driver leaves the group so
 * another takes over, and this one is {@link State#FAILED}.
 *
 * <pre>{@code
 * try (ActiveStreamingQuery orders = ActiveStreamingQuery.builder(zk, spark, "orders-stream", "driver-a",
 *         run -> run.spark().readStream().text(input).writeStream()
 *                 .option("checkpointLocation", checkpoint)
 *                 .foreachBatch(run.fencedSink("orders-out", output))
 *                 .start()).build()) {
 *     orders.start();
 *     ...
 * }
 * }</pre>
 */
public final class ActiveStreamingQuery implements Closeable {
    /** Where this driver stands. */
    public enum State {
        /** Built, not started. */
        LATENT,
        /** Waiting to be elected; no query runs here. */
        STANDBY,
        /** Elected: fencing the previous active and starting the query. */
        STARTING,
        /** Active: the query runs here. */
        RUNNING,
        /** The query kept failing while active; this driver left the group. */
        FAILED,
        /** Closed. */
        CLOSED
    }

    private static final Logger LOG = LoggerFactory.getLogger(ActiveStreamingQuery.class);

    private final ToolkitClient zk;
    private final SparkSession spark;
    private final String group;
    private final String participantId;
    private final StreamingQueryFactory factory;
    private final int maxRestarts;
    private final Duration restartDelay;
    private final Clock clock = Clock.systemUTC();
    private final EpochFence epoch;
    private final ActiveStandby failover;
    private final ScheduledExecutorService restarter;
    private final List<QueryTakeover> takeovers = new CopyOnWriteArrayList<>();
    private final StreamingQueryListener progress = new ProgressListener();
    private final Object lock = new Object();
    private volatile State state = State.LATENT;
    private volatile ActiveRun run;
    private volatile StreamingQuery query;
    private int restartsThisRun;

    private ActiveStreamingQuery(Builder b) {
        this.zk = b.zk;
        this.spark = b.spark;
        this.group = b.group;
        this.participantId = b.participantId;
        this.factory = b.factory;
        this.maxRestarts = b.maxRestarts;
        this.restartDelay = b.restartDelay;
        this.epoch = new EpochFence(zk.curator(), "/failover/" + group + "/epoch");
        this.failover = ActiveStandby.builder(zk, group, participantId, new QueryService()).fencer(epoch)
                .retryAfterFenceFailure(b.retryAfterFailure).build();
        this.restarter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "zktoolkit-query-restart-" + group);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Driver {@code participantId} of the query group {@code group}, starting its query with
     * {@code factory} whenever it becomes active.
     *
     * @throws IllegalArgumentException for an invalid group or participant id
     */
    public static Builder builder(ToolkitClient zk, SparkSession spark, String group, String participantId,
            StreamingQueryFactory factory) {
        return new Builder(zk, spark, group, participantId, factory);
    }

    /** Joins the group as a standby. */
    public void start() {
        synchronized (lock) {
            if (state != State.LATENT) {
                throw new IllegalStateException("Streaming query group " + group + " participant " + participantId + " is "
                        + state + "; start() may be called once");
            }
            state = State.STANDBY;
        }
        spark.streams().addListener(progress);
        failover.start();
    }

    /** Where this driver stands. */
    public State state() {
        return state;
    }

    /** The query, while it runs here. */
    public Optional<StreamingQuery> query() {
        return state == State.RUNNING ? Optional.ofNullable(query) : Optional.empty();
    }

    /** The current active run, while this driver is active. */
    public Optional<ActiveRun> activeRun() {
        return state == State.RUNNING ? Optional.ofNullable(run) : Optional.empty();
    }

    /** Every takeover by this driver, oldest first, with its timing. */
    public List<QueryTakeover> takeovers() {
        return List.copyOf(takeovers);
    }

    /** The epoch fence of the group, at {@code /failover/<group>/epoch}. */
    public EpochFence epochFence() {
        return epoch;
    }

    /** The group. */
    public String group() {
        return group;
    }

    /** This driver's id in the group. */
    public String participantId() {
        return participantId;
    }

    /** Stops the query if it runs here and leaves the group, so a standby takes over at once. */
    @Override
    public void close() {
        State was = state;
        state = State.CLOSED;
        if (was == State.CLOSED) {
            return;
        }
        failover.close();
        stopQuery("closed");
        restarter.shutdownNow();
        spark.streams().removeListener(progress);
    }

    @Override
    public String toString() {
        return "ActiveStreamingQuery[" + participantId + " in " + group + ", " + state + "]";
    }

    private void stopQuery(String why) {
        synchronized (lock) {
            StreamingQuery was = query;
            query = null;
            run = null;
            if (was != null) {
                LOG.info("{} in {}: stopping query {}: {}", participantId, group, was.id(), why);
                try {
                    was.stop();
                } catch (Exception e) {
                    LOG.warn("{} in {}: stopping query {} failed: {}", participantId, group, was.id(), e.toString());
                }
            }
        }
    }

    /** On the restart thread: the query of the current run failed. */
    private void queryFailed(UUID runId) {
        StreamingQuery failed;
        synchronized (lock) {
            failed = query;
            if (state != State.RUNNING || failed == null || !failed.runId().equals(runId)) {
                return;
            }
            Throwable cause = failed.exception().isDefined() ? failed.exception().get() : null;
            if (refused(cause)) {
                LOG.warn("{} in {}: a batch was refused, a newer active took over; standing by", participantId, group);
                return; // leadership is gone: the failover stands this driver by
            }
            if (restartsThisRun < maxRestarts) {
                restartsThisRun++;
                LOG.warn("{} in {}: query {} failed ({}); starting it again from its checkpoint ({} of {})", participantId,
                        group, failed.id(), cause, restartsThisRun, maxRestarts);
                try {
                    query = factory.start(run);
                    return;
                } catch (Exception e) {
                    LOG.error("{} in {}: restarting the query failed: {}", participantId, group, e.toString());
                }
            }
            state = State.FAILED;
            query = null;
        }
        LOG.error("{} in {}: the query failed {} times while active; leaving the group so another driver takes over",
                participantId, group, maxRestarts + 1);
        failover.close();
        state = State.FAILED;
    }

    private static boolean refused(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BatchRefusedException) {
                return true;
            }
        }
        return false;
    }

    /** What the failover does with the query. */
    private final class QueryService implements ActiveService {
        @Override
        public void becomeActive(Takeover takeover) throws Exception {
            synchronized (lock) {
                if (state == State.CLOSED || state == State.FAILED) {
                    throw new IllegalStateException(participantId + " in " + group + " is " + state);
                }
                state = State.STARTING;
                ActiveRun next = new ActiveRun(spark, takeover, zk.curator(), epoch, "/failover/" + group + "/sinks");
                StreamingQuery started;
                try {
                    started = factory.start(next);
                } catch (Exception e) {
                    state = State.STANDBY;
                    throw e;
                }
                Instant now = clock.instant();
                run = next;
                query = started;
                restartsThisRun = 0;
                takeovers.add(new QueryTakeover(participantId, takeover.token(),
                        takeover.previous().map(p -> p.participantId() + " (token " + p.token() + ")"),
                        takeover.electedAt(), takeover.fencing(), Duration.between(takeover.electedAt(), now),
                        Optional.empty(), java.util.OptionalLong.empty()));
                state = State.RUNNING;
                LOG.info("{} in {}: query {} started with token {}, {} ms after election", participantId, group,
                        started.id(), takeover.token(), Duration.between(takeover.electedAt(), now).toMillis());
            }
        }

        @Override
        public void becomeStandby(String why) {
            stopQuery(why);
            synchronized (lock) {
                if (state == State.RUNNING || state == State.STARTING) {
                    state = State.STANDBY;
                }
            }
        }
    }

    /** Times the first batch of each takeover and notices a failed query; on Spark's listener bus. */
    private final class ProgressListener extends StreamingQueryListener {
        @Override
        public void onQueryStarted(QueryStartedEvent event) {
            // Recorded when the factory returns.
        }

        @Override
        public void onQueryProgress(QueryProgressEvent event) {
            StreamingQuery now = query;
            int last = takeovers.size() - 1;
            if (now == null || last < 0 || !event.progress().runId().equals(now.runId()) || event.progress().numInputRows() == 0) {
                return;
            }
            QueryTakeover current = takeovers.get(last);
            if (current.toFirstBatch().isEmpty()) {
                takeovers.set(last, current.withFirstBatch(clock.instant(), event.progress().batchId()));
                LOG.info("{} in {}: first batch {} of token {} done {} ms after election", participantId, group,
                        event.progress().batchId(), current.token(),
                        Duration.between(current.electedAt(), clock.instant()).toMillis());
            }
        }

        @Override
        public void onQueryTerminated(QueryTerminatedEvent event) {
            if (event.exception().isDefined()) {
                UUID runId = event.runId(); // the query id stays the same across runs from one checkpoint
                restarter.schedule(() -> queryFailed(runId), restartDelay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Options of an {@link ActiveStreamingQuery}. */
    public static final class Builder {
        private final ToolkitClient zk;
        private final SparkSession spark;
        private final String group;
        private final String participantId;
        private final StreamingQueryFactory factory;
        private int maxRestarts = 3;
        private Duration restartDelay = Duration.ofSeconds(1);
        private Duration retryAfterFailure = Duration.ofSeconds(1);

        private Builder(ToolkitClient zk, SparkSession spark, String group, String participantId,
                StreamingQueryFactory factory) {
            this.zk = Objects.requireNonNull(zk, "zk");
            this.spark = Objects.requireNonNull(spark, "spark");
            this.factory = Objects.requireNonNull(factory, "factory");
            // Checks the names as the election will, before anything starts.
            ActiveStandby.builder(zk, group, participantId, new ActiveService() {
                @Override
                public void becomeActive(Takeover takeover) {
                }

                @Override
                public void becomeStandby(String why) {
                }
            });
            this.group = group;
            this.participantId = participantId;
        }

        /** How often a query that fails while active is started again before the driver gives up. Default 3. */
        public Builder maxRestarts(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("maxRestarts must not be negative, got " + value);
            }
            maxRestarts = value;
            return this;
        }

        /** The pause before starting a failed query again. Default 1 s. */
        public Builder restartDelay(Duration value) {
            if (value.isNegative()) {
                throw new IllegalArgumentException("restartDelay must not be negative, got " + value);
            }
            restartDelay = value;
            return this;
        }

        /** The pause before rejoining the election after the query could not be started. Default 1 s. */
        public Builder retryAfterFailure(Duration value) {
            if (value.isNegative()) {
                throw new IllegalArgumentException("retryAfterFailure must not be negative, got " + value);
            }
            retryAfterFailure = value;
            return this;
        }

        /** The driver, not yet started. */
        public ActiveStreamingQuery build() {
            return new ActiveStreamingQuery(this);
        }
    }
}
