package io.zktoolkit.sync.spark;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.Holder;
import io.zktoolkit.sync.state.JobBoard;
import io.zktoolkit.sync.state.JobReporter;
import io.zktoolkit.sync.state.JobStateException;
import io.zktoolkit.sync.state.RunReporter;
import io.zktoolkit.sync.state.RunState;
import io.zktoolkit.sync.state.RunStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener's own thread: everything that touches ZooKeeper happens here, never on Spark's
 * listener bus. It connects (retrying while ZooKeeper is away), puts the application on the
 * board, then every interval copies what changed in the {@link SparkProgress} model to the
 * board's reporters, whose writer coalesces again and writes in the background.
 */
final class ProgressPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressPublisher.class);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final SparkProgress model;
    private final ProgressSettings settings;
    private final Supplier<ToolkitClient> client;
    private final String where;
    private final Thread thread;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicLong updates = new AtomicLong();
    private volatile boolean ending;
    private volatile long endDeadline;
    private volatile String problem;
    private volatile JobBoard board;
    private volatile JobReporter job;
    private volatile String jobId;
    private volatile boolean endWritten;

    /**
     * @param client opens or lends the client; may block and throw while ZooKeeper is away
     * @param where  the ensemble, for messages
     */
    ProgressPublisher(SparkProgress model, ProgressSettings settings, Supplier<ToolkitClient> client, String where) {
        this.model = model;
        this.settings = settings;
        this.client = client;
        this.where = where;
        this.thread = new Thread(this::run, "zktoolkit-spark-progress");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Asks for the last round (the model holds the application's end); returns at once. */
    void end() {
        endDeadline = System.nanoTime() + settings.closeTimeout().toNanos();
        ending = true;
        synchronized (this) {
            notifyAll();
        }
    }

    /** Waits until the last round is written; false at the deadline (the thread keeps trying while the JVM lives). */
    boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The board job's id once known. */
    Optional<String> jobId() {
        return Optional.ofNullable(jobId);
    }

    /** Whether the application's end is written to ZooKeeper. */
    boolean endWritten() {
        return endWritten;
    }

    long updatesPublished() {
        return updates.get();
    }

    Optional<JobReporter> reporter() {
        return Optional.ofNullable(job);
    }

    /** Why the board is behind, while it is. */
    Optional<String> problem() {
        JobReporter reporter = job;
        if (problem == null && reporter != null) {
            return reporter.lastFailure().map(e -> "writing to ZooKeeper at " + where + " fails: " + e);
        }
        return Optional.ofNullable(problem);
    }

    private void run() {
        try {
            while (!publish()) {
                if (ending && model.identity() == null) {
                    return; // ended before it started: nothing to publish
                }
                Thread.sleep(RETRY_PAUSE.toMillis());
            }
            while (true) {
                boolean last = ending; // read before draining: the application's end is in the model by then
                apply(model.drain());
                if (last) {
                    break;
                }
                pause(settings.interval());
            }
            closeReporter();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            problem = "publishing stopped: " + e;
            LOG.error("Spark job progress: publishing to the job board stopped; the application is not affected", e);
        } finally {
            finished.countDown();
        }
    }

    /** One attempt to put the application on the board; false to try again later. */
    private boolean publish() {
        String[] identity = model.identity();
        if (identity == null) {
            return false; // the application has not started yet
        }
        String id = settings.jobId().orElseGet(() -> JobBoard.toId(identity[0] + "-" + identity[1]));
        jobId = id;
        JobBoard opened = null;
        try {
            ToolkitClient zk = client.get();
            opened = JobBoard.builder(zk).root(settings.root()).waitTimeout(settings.closeTimeout())
                    .publisher(Holder.current(identity[0] + ", Spark app " + identity[1])).build();
            opened.start();
            job = publishOrTakeOver(opened, id);
            board = opened;
            if (problem != null) {
                LOG.info("Spark job progress: {} is on the job board at {}{} after all ({} before)", id, where, settings.root(), problem);
            } else {
                LOG.info("Spark job progress: publishing {} to the job board at {}{}", id, where, settings.root());
            }
            problem = null;
            return true;
        } catch (RuntimeException e) {
            if (opened != null) {
                opened.close();
            }
            String now = "cannot reach the job board at " + where + settings.root() + ": " + e.getMessage();
            if (!now.equals(problem)) {
                LOG.warn("Spark job progress of {}: {}; the application goes on and the listener keeps trying", id, now);
            }
            problem = now;
            return false;
        }
    }

    /** A publish whose reply was lost did land: the job is then ours to take over, with no live publisher. */
    private static JobReporter publishOrTakeOver(JobBoard board, String id) {
        try {
            return board.publish(id);
        } catch (JobStateException e) {
            if (e.getCause() instanceof KeeperException.NodeExistsException) {
                return board.resume(id);
            }
            throw e;
        }
    }

    private void apply(List<SparkProgress.Update> round) {
        for (SparkProgress.Update u : round) {
            apply(u.isApplication() ? job : job.task(u.id()), u);
        }
    }

    private void apply(RunReporter r, SparkProgress.Update u) {
        RunStatus current = r.status();
        boolean sameProgress = current.done() == u.done() && current.total() == u.total();
        boolean sameAttributes = current.attributes().entrySet().containsAll(u.attributes().entrySet());
        if (current.state() == u.state() && sameProgress && sameAttributes) {
            return;
        }
        if (current.state() != RunState.RUNNING && u.state() != RunState.QUEUED
                && (current.state() != u.state() || !current.state().isFinished())) {
            // QUEUED straight to a finish, or a finished task run again: watchers see it ran.
            count(r::running);
        }
        if (!sameProgress) {
            count(() -> r.progress(u.done(), u.total()));
        }
        switch (u.state()) {
            case SUCCEEDED -> count(() -> r.succeeded(u.attributes()));
            case FAILED -> {
                count(() -> r.attributes(u.attributes()));
                count(() -> r.failed(u.reason().isBlank() ? "failed" : u.reason()));
            }
            case CANCELLED -> {
                count(() -> r.attributes(u.attributes()));
                count(() -> r.cancelled(u.reason().isBlank() ? "killed" : u.reason()));
            }
            default -> {
                if (!sameAttributes) {
                    count(() -> r.attributes(u.attributes()));
                }
            }
        }
    }

    private void count(Runnable update) {
        update.run();
        updates.incrementAndGet();
    }

    private void closeReporter() throws InterruptedException {
        JobReporter reporter = job;
        if (reporter.flush(Duration.ofNanos(Math.max(0, endDeadline - System.nanoTime())))) {
            endWritten = true;
            reporter.close();
            board.close();
        } else {
            // Left open: its writer keeps retrying for as long as this JVM lives.
            LOG.warn("Spark job progress: {} updates of {} not written to ZooKeeper at {} within {} ({}); they are written"
                    + " if ZooKeeper returns before this JVM exits, else the board shows the job abandoned",
                    reporter.pendingUpdates(), jobId, where, settings.closeTimeout(), problem().orElse("ZooKeeper did not answer"));
        }
    }

    private synchronized void pause(Duration pause) throws InterruptedException {
        if (!ending) {
            wait(pause.toMillis());
        }
    }
}
