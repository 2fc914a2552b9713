package io.zktoolkit.sync.state;

import io.zktoolkit.config.AccessDeniedException;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.Holder;
import io.zktoolkit.sync.CorruptSyncDataException;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.utils.CloseableUtils;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * Shared job and task state: jobs publish where they are (queued, running with progress,
 * succeeded with results, failed with a reason) and every board in every process sees it in a
 * cached view and can subscribe to changes or wait for a job to finish.
 *
 * <p>Layout under the root (default {@code /jobs}): {@code <job>} holds the job's status,
 * {@code <job>/tasks/<task>} each task's, and the ephemeral {@code <job>/publisher} marks a live
 * publisher. Each status carries a sequence number and its last transitions, so watchers see
 * statuses in order and every transition even when ZooKeeper folds quick updates into one
 * notification or a server fails over.
 *
 * <p>Retention: finished jobs stay for {@code retention} (default 1 day) and at most
 * {@code keepFinished} of them (default 1,000, the newest); abandoned jobs go once unchanged for
 * the retention time. Every started board cleans up every {@code cleanupEvery}.
 *
 * <pre>{@code
 * try (JobBoard board = JobBoard.builder(zk).build()) {
 *     board.start();
 *     try (JobReporter job = board.publish("orders-2026-11-22")) {
 *         job.running();
 *         job.task("part-0").running();
 *         job.task("part-0").succeeded(Map.of("rows", "1200"));
 *         job.succeeded(Map.of("rows", "1200"));
 *     }
 *     RunStatus done = board.awaitFinished("orders-2026-11-22", Duration.ofMinutes(5));  // elsewhere
 * }
 * }</pre>
 */
public final class JobBoard implements Closeable {
    /** The default root of the board. */
    public static final String ROOT = "/jobs";
    static final String TASKS = "tasks";
    static final String PUBLISHER = "publisher";

    /** Lifecycle of a board. */
    public enum State {
        LATENT,
        STARTED,
        CLOSED
    }

    private final CuratorFramework curator;
    private final String root;
    private final Holder publisher;
    private final Clock clock;
    private final Duration cleanupEvery;
    private final Duration waitTimeout;
    private final BoardView view;
    private final RetentionCleaner cleaner;
    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private ScheduledExecutorService scheduler;

    private JobBoard(Builder b) {
        this.curator = b.curator;
        this.root = b.root;
        this.publisher = b.publisher;
        this.clock = b.clock;
        this.cleanupEvery = b.cleanupEvery;
        this.waitTimeout = b.waitTimeout;
        this.view = new BoardView(curator, root);
        this.cleaner = new RetentionCleaner(curator, root, b.retention, b.keepFinished);
    }

    /** A builder for a board on the toolkit's client. */
    public static Builder builder(ToolkitClient client) {
        return new Builder(client.curator());
    }

    /** A builder for a board on a Curator client. */
    public static Builder builder(CuratorFramework curator) {
        return new Builder(curator);
    }

    /**
     * Loads the current jobs into the view (waiting up to the wait timeout) and starts the
     * retention cleaner.
     *
     * @throws JobStateException when ZooKeeper could not be read within the wait timeout
     */
    public void start() {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException("The job board at " + root + " was already started");
        }
        try {
            curator.createContainers(root);
            if (!view.start(waitTimeout)) {
                throw new JobStateException("Job board at " + root + ": the jobs could not be read within " + waitTimeout
                        + " from " + curator.getZookeeperClient().getCurrentConnectionString());
            }
        } catch (JobStateException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobStateException("Job board at " + root + ": interrupted while starting", e);
        } catch (Exception e) {
            AccessDeniedException.throwIfDenied(e, "start the job board at " + root);
            throw new JobStateException("Job board at " + root + ": could not be created in ZooKeeper at "
                    + curator.getZookeeperClient().getCurrentConnectionString() + " (" + e + ")", e);
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "zktoolkit-job-board-cleaner");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::cleanUp, cleanupEvery.toMillis(), cleanupEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The board's lifecycle state. */
    public State state() {
        return state.get();
    }

    /** The board's root znode. */
    public String root() {
        return root;
    }

    /**
     * Puts a new job on the board, QUEUED, and returns its publisher. Use one id per run (for
     * example with the run date); a job id already on the board is refused.
     *
     * @throws IllegalArgumentException when the id is not 1 to 200 letters, digits, '.', '_' or '-'
     * @throws JobStateException        when the id is taken, naming its state and publisher, or ZooKeeper failed
     */
    public JobReporter publish(String jobId) {
        requireStarted();
        JobNames.check("job id", jobId);
        String path = ZKPaths.makePath(root, jobId);
        TrackedStatus tracked = TrackedStatus.queued("Job " + jobId, jobId, false, publisher, clock);
        List<CuratorOp> ops = new ArrayList<>();
        try {
            ops.add(curator.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(path, StatusFormat.encode(tracked.current())));
            ops.add(curator.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(ZKPaths.makePath(path, TASKS)));
            curator.transaction().forOperations(ops);
        } catch (KeeperException.NodeExistsException e) {
            throw new JobStateException("Job " + jobId + " is already on the board at " + path + " (" + describe(jobId)
                    + "). Use a new job id for each run, or resume(\"" + jobId + "\") to take over an abandoned one", e);
        } catch (Exception e) {
            AccessDeniedException.throwIfDenied(e, "publish job " + jobId, ops);
            throw failure("publish job " + jobId + " at " + path, e);
        }
        return reporter("publish job " + jobId, path, tracked, Map.of());
    }

    /**
     * Takes over a job whose publisher is gone before it finished (its process died), keeping its
     * state, tasks and history, so a restarted run can carry on publishing it.
     *
     * @throws JobStateException when the job is missing, finished, or still published by a live process
     */
    public JobReporter resume(String jobId) {
        requireStarted();
        JobNames.check("job id", jobId);
        String path = ZKPaths.makePath(root, jobId);
        try {
            if (curator.checkExists().forPath(ZKPaths.makePath(path, PUBLISHER)) != null) {
                throw new JobStateException("Job " + jobId + " at " + path + " is still published by a live process ("
                        + describe(jobId) + "); it can be resumed only after that process ends");
            }
            RunStatus stored = StatusFormat.decode(path, curator.getData().forPath(path));
            if (stored.state().isFinished()) {
                throw new JobStateException("Job " + jobId + " at " + path + " already " + stored.state() + "; publish a new job id instead");
            }
            Map<String, RunStatus> tasks = new HashMap<>();
            for (String task : curator.getChildren().forPath(ZKPaths.makePath(path, TASKS))) {
                String taskPath = ZKPaths.makePath(path, TASKS, task);
                tasks.put(task, StatusFormat.decode(taskPath, curator.getData().forPath(taskPath)));
            }
            return reporter("resume job " + jobId, path, TrackedStatus.resumed("Job " + jobId, stored, false, publisher, clock), tasks);
        } catch (KeeperException.NoNodeException e) {
            throw new JobStateException("Job " + jobId + " is not on the board at " + path + "; nothing to resume", e);
        } catch (JobStateException | CorruptSyncDataException e) {
            throw e;
        } catch (Exception e) {
            throw failure("resume job " + jobId + " at " + path, e);
        }
    }

    private JobReporter reporter(String action, String path, TrackedStatus tracked, Map<String, RunStatus> resumedTasks) {
        String markerPath = ZKPaths.makePath(path, PUBLISHER);
        byte[] markerData = (publisher.host() + ":" + publisher.pid() + ":" + publisher.job()).getBytes(StandardCharsets.UTF_8);
        try {
            // PersistentNode only logs a refused create and then waits for nothing, so the first
            // create happens here, where a refusal can be reported; PersistentNode adopts the node.
            curator.create().withMode(CreateMode.EPHEMERAL).forPath(markerPath, markerData);
        } catch (Exception e) {
            AccessDeniedException.throwIfDenied(e, action);
            // anything else (it exists, a connection blip): PersistentNode retries within the wait timeout
        }
        PersistentNode marker = new PersistentNode(curator, CreateMode.EPHEMERAL, false, markerPath, markerData);
        marker.start();
        try {
            if (!marker.waitForInitialCreate(waitTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                CloseableUtils.closeQuietly(marker);
                throw new JobStateException("Job " + tracked.current().id() + ": its publisher marker could not be created at "
                        + path + " within " + waitTimeout);
            }
        } catch (InterruptedException e) {
            CloseableUtils.closeQuietly(marker);
            Thread.currentThread().interrupt();
            throw new JobStateException("Job " + tracked.current().id() + ": interrupted while publishing", e);
        }
        StatusWriter writer = new StatusWriter(curator, path, "zktoolkit-job-" + tracked.current().id());
        Set<String> existing = new HashSet<>(Set.of(path));
        resumedTasks.keySet().forEach(t -> existing.add(ZKPaths.makePath(path, TASKS, t)));
        writer.start(existing);
        return new JobReporter(path, tracked, writer, publisher, clock, marker, waitTimeout, resumedTasks);
    }

    /**
     * Returns {@code id} if it is a valid job or task id.
     *
     * @throws IllegalArgumentException naming {@code what} (for example the config key it came from) and the rule
     */
    public static String checkId(String what, String id) {
        return JobNames.check(what, id);
    }

    /** A valid job or task id made from any text (an application name): other characters become '-'. */
    public static String toId(String text) {
        return JobNames.sanitize(text);
    }

    /** The job as the view last saw it. */
    public Optional<JobSnapshot> job(String jobId) {
        return view.job(jobId);
    }

    /** Every job on the board as the view last saw it. */
    public List<JobSnapshot> jobs() {
        return view.jobs();
    }

    /** Subscribes to every change on the board; already published jobs arrive first as changes. */
    public void addListener(JobListener listener) {
        view.listeners().addListener(Objects.requireNonNull(listener, "listener"));
    }

    /** Stops telling {@code listener}. */
    public void removeListener(JobListener listener) {
        view.listeners().removeListener(listener);
    }

    /**
     * Waits until the job has finished (it may not be on the board yet) and returns its final
     * status: SUCCEEDED, FAILED or CANCELLED, for the caller to check. When it returns,
     * {@link #job(String)} also holds every task status written before the job's end (read
     * directly if the cached view has not had them yet).
     *
     * @throws JobStateException when the job is abandoned or removed before finishing, or at the
     *                           deadline (naming its last state or that it never appeared)
     */
    public RunStatus awaitFinished(String jobId, Duration timeout) throws InterruptedException {
        requireStarted();
        long deadline = System.nanoTime() + timeout.toNanos();
        AtomicReference<CompletableFuture<RunStatus>> round = new AtomicReference<>(new CompletableFuture<>());
        JobListener listener = new JobListener() {
            @Override
            public void changed(JobChange change) {
                if (change.jobId().equals(jobId) && !change.isTask() && change.current().state().isFinished()) {
                    round.get().complete(change.current());
                }
            }

            @Override
            public void abandoned(String id, RunStatus last) {
                if (id.equals(jobId)) {
                    round.get().completeExceptionally(new SuspectedAbandoned());
                }
            }

            @Override
            public void removed(String id) {
                if (id.equals(jobId)) {
                    round.get().completeExceptionally(new JobStateException("Job " + jobId + " was removed from the board at "
                            + root + " before it finished"));
                }
            }
        };
        addListener(listener);
        try {
            while (true) {
                CompletableFuture<RunStatus> finished = round.get();
                view.job(jobId).ifPresent(s -> {
                    if (s.job().state().isFinished()) {
                        finished.complete(s.job());
                    } else if (s.isAbandoned()) {
                        finished.completeExceptionally(new SuspectedAbandoned());
                    }
                });
                try {
                    RunStatus end = finished.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    view.catchUp(jobId, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                    return end;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof SuspectedAbandoned)) {
                        throw (JobStateException) e.getCause();
                    }
                    Optional<RunStatus> settled = settleAbandoned(jobId);
                    if (settled.isPresent()) {
                        view.catchUp(jobId, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                        return settled.get();
                    }
                    Thread.sleep(50);   // the publisher is back (resumed); the view catches up
                    round.set(new CompletableFuture<>());
                } catch (TimeoutException e) {
                    throw new JobStateException("Job " + jobId + " did not finish within " + timeout + ": " + describe(jobId));
                }
            }
        } finally {
            removeListener(listener);
        }
    }

    /** Marks a view's "abandoned" that still has to be checked against ZooKeeper itself. */
    private static final class SuspectedAbandoned extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SuspectedAbandoned() {
            super(null, null, false, false);
        }
    }

    /**
     * The view may call a job abandoned while an update is still on its way to it (a resumed
     * publisher, a final status behind the marker's deletion), so a waiter reads ZooKeeper
     * itself, after a sync, before failing.
     *
     * @return the final status if the job finished after all; empty if a publisher is back
     * @throws JobStateException when it really is abandoned
     */
    private Optional<RunStatus> settleAbandoned(String jobId) {
        String path = ZKPaths.makePath(root, jobId);
        try {
            curator.sync().forPath(path);
            RunStatus stored = StatusFormat.decode(path, curator.getData().forPath(path));
            if (stored.state().isFinished()) {
                return Optional.of(stored);
            }
            if (curator.checkExists().forPath(ZKPaths.makePath(path, PUBLISHER)) != null) {
                return Optional.empty();
            }
            throw abandonedError(stored);
        } catch (KeeperException.NoNodeException e) {
            throw new JobStateException("Job " + jobId + " was removed from the board at " + root + " before it finished", e);
        } catch (JobStateException | CorruptSyncDataException e) {
            throw e;
        } catch (Exception e) {
            throw failure("read job " + jobId + " at " + path, e);
        }
    }

    /** Runs one retention pass now and returns the ids of the jobs it removed. */
    public List<String> cleanUp() {
        return cleaner.cleanUp(view.jobs(), clock.instant());
    }

    /** Stops the view and the cleaner; the jobs stay on the board. */
    @Override
    public void close() {
        if (state.getAndSet(State.CLOSED) == State.STARTED) {
            scheduler.shutdownNow();
            view.close();
        }
    }

    private JobStateException abandonedError(RunStatus last) {
        return new JobStateException("Job " + last.id() + " was abandoned " + last.state() + " (its publisher "
                + last.publisher().host() + ":" + last.publisher().pid() + " is gone; last update " + last.updatedAt() + ")");
    }

    private String describe(String jobId) {
        return view.job(jobId).map(s -> s.job().state() + " since " + s.job().since() + ", published by "
                + s.job().publisher().host() + ":" + s.job().publisher().pid() + (s.publisherAlive() ? "" : " (gone)")
                + (s.job().total() > 0 ? ", " + s.job().done() + " of " + s.job().total() + " done" : ""))
                .orElse("never appeared at " + ZKPaths.makePath(root, jobId));
    }

    private void requireStarted() {
        if (state.get() != State.STARTED) {
            throw new IllegalStateException("The job board at " + root + " is " + state.get() + "; call start() first");
        }
    }

    private JobStateException failure(String action, Exception e) {
        AccessDeniedException.throwIfDenied(e, action);
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new JobStateException("Could not " + action + " in ZooKeeper at "
                + curator.getZookeeperClient().getCurrentConnectionString() + ": " + e, e);
    }

    /** Options of a {@link JobBoard}. */
    public static final class Builder {
        private final CuratorFramework curator;
        private String root = ROOT;
        private Duration retention = Duration.ofDays(1);
        private int keepFinished = 1000;
        private Duration cleanupEvery = Duration.ofMinutes(1);
        private Duration waitTimeout = Duration.ofSeconds(30);
        private Holder publisher = Holder.current();
        private Clock clock = Clock.systemUTC();

        private Builder(CuratorFramework curator) {
            this.curator = Objects.requireNonNull(curator, "curator");
        }

        /** The board's root znode (default {@code /jobs}); boards with the same root see the same jobs. */
        public Builder root(String value) {
            this.root = ZKPaths.fixForNamespace(null, Objects.requireNonNull(value, "root"));
            return this;
        }

        /** How long a finished or abandoned job stays (default 1 day). */
        public Builder retention(Duration value) {
            if (value.isNegative()) {
                throw new IllegalArgumentException("retention must not be negative, got " + value);
            }
            this.retention = value;
            return this;
        }

        /** How many finished jobs stay at most, the newest first (default 1,000). */
        public Builder keepFinished(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("keepFinished must not be negative, got " + value);
            }
            this.keepFinished = value;
            return this;
        }

        /** How often this board runs the retention pass (default 1 minute). */
        public Builder cleanupEvery(Duration value) {
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException("cleanupEvery must be positive, got " + value);
            }
            this.cleanupEvery = value;
            return this;
        }

        /** How long start, publish and close wait for ZooKeeper (default 30 s). */
        public Builder waitTimeout(Duration value) {
            this.waitTimeout = Objects.requireNonNull(value, "waitTimeout");
            return this;
        }

        /** Who publishes from this board (default this process). */
        public Builder publisher(Holder value) {
            this.publisher = Objects.requireNonNull(value, "publisher");
            return this;
        }

        /** The clock for transition times and retention (default UTC system clock). */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** The board; {@link JobBoard#start()} it. */
        public JobBoard build() {
            return new JobBoard(this);
        }
    }
}
