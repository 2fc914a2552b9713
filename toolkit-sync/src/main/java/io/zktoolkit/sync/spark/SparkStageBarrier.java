package io.zktoolkit.sync.spark;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.Holder;
import io.zktoolkit.locks.spark.ExecutorClients;
import io.zktoolkit.locks.spark.PortableSettings;
import io.zktoolkit.sync.barrier.BarrierTimeoutException;
import io.zktoolkit.sync.barrier.DoubleBarrier;
import io.zktoolkit.sync.state.JobBoard;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several Spark applications start a stage together: each driver {@link #await awaits} the
 * barrier before submitting the stage's jobs and leaves when its stage is done (closing the
 * barrier does that), so none starts before all have arrived and none tears down shared input
 * while another still reads it.
 *
 * <pre>{@code
 * try (SparkStageBarrier load = SparkStageBarrier.await(sc, "load-2026-11-22", 3, Duration.ofMinutes(10))) {
 *     spark.read().parquet(in).write().parquet(out);    // all three applications run this stage together
 * }                                                       // leave: waits for the others to finish theirs
 * }</pre>
 *
 * <p>Each application is one member, named after the application ({@code <appName>-<appId>}) so a
 * timeout's message says which applications were there, which arrived and died, and how many
 * never came. A barrier name is for one meeting: put the run date or batch id in it.
 */
public final class SparkStageBarrier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SparkStageBarrier.class);

    private final DoubleBarrier barrier;
    private final String application;
    private final Duration leaveTimeout;
    private boolean left;

    private SparkStageBarrier(DoubleBarrier barrier, String application, Duration leaveTimeout) {
        this.barrier = barrier;
        this.application = application;
        this.leaveTimeout = leaveTimeout;
    }

    /**
     * Arrives at {@code name} with ZooKeeper settings from the context's SparkConf
     * ({@code spark.zktoolkit.zk.*}, on this JVM's shared client) and waits until {@code parties}
     * applications are there.
     *
     * @param timeout how long to wait for the others; also the default for leaving
     * @throws BarrierTimeoutException at the deadline, naming who was there and who is missing;
     *                                 this application has then withdrawn
     * @throws IllegalArgumentException for a missing or invalid key, name or party count
     */
    public static SparkStageBarrier await(SparkContext sc, String name, int parties, Duration timeout) throws InterruptedException {
        return await(ExecutorClients.client(PortableSettings.fromSparkConf(sc.getConf())), sc, name, parties, timeout);
    }

    /** As {@link #await(SparkContext, String, int, Duration)}, on the caller's client. */
    public static SparkStageBarrier await(ToolkitClient zk, SparkContext sc, String name, int parties, Duration timeout)
            throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        String application = sc.appName() + " (" + sc.applicationId() + ")";
        DoubleBarrier barrier = DoubleBarrier.builder(zk, name).parties(parties)
                .memberId(JobBoard.toId(sc.appName() + "-" + sc.applicationId()))
                .holder(Holder.current(sc.appName() + ", Spark app " + sc.applicationId())).build();
        LOG.info("Spark application {} waits at stage barrier {} for {} parties, up to {}", application, barrier.path(), parties, timeout);
        try {
            barrier.enter(timeout);
        } catch (BarrierTimeoutException e) {
            LOG.error("Spark application {} gives up on its stage: {}", application, e.getMessage());
            throw e;
        }
        LOG.info("Spark application {} passed stage barrier {}", application, barrier.path());
        return new SparkStageBarrier(barrier, application, timeout);
    }

    /** This application's member id at the barrier. */
    public String memberId() {
        return barrier.memberId();
    }

    /**
     * Leaves after the stage and waits until every application has left or died.
     *
     * @return the members that died without leaving
     * @throws BarrierTimeoutException when others are still in their stage at the deadline
     */
    public List<String> leave(Duration timeout) throws InterruptedException {
        left = true;
        List<String> vanished = barrier.leave(timeout);
        if (!vanished.isEmpty()) {
            LOG.warn("Spark application {}: {} left stage barrier {} by dying, not by finishing their stage", application,
                    vanished, barrier.path());
        }
        return vanished;
    }

    /** Leaves (waiting up to the enter timeout) unless already left. */
    @Override
    public void close() throws InterruptedException {
        if (!left) {
            leave(leaveTimeout);
        }
    }
}
