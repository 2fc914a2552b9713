package io.zktoolkit.locks.spark;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.FencedMutex;
import io.zktoolkit.locks.FencedOwnership;
import io.zktoolkit.locks.Holder;
import io.zktoolkit.locks.LockInspector;
import io.zktoolkit.locks.LockLease;
import io.zktoolkit.locks.LockLostException;
import java.io.Closeable;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Only one driver runs a named Spark job at a time, across machines: a {@link FencedMutex} at
 * {@value #ROOT}{@code /<name>} held for the length of the job.
 *
 * <pre>{@code
 * // --conf spark.zktoolkit.job.guard.name=daily-orders [--conf spark.zktoolkit.job.guard.onBusy=wait]
 * SparkJobGuard.fromConf(zk, spark.sparkContext()).run(() -> {
 *     spark.read().parquet(in).groupBy("day").count().write().parquet(out);
 *     return null;
 * });
 * }</pre>
 *
 * <p><b>A second driver</b> does what {@link OnBusy} says: waits up to a deadline, fails at once
 * with a {@link JobBusyException}, or exits the JVM with {@value #EXIT_BUSY}; each names the
 * holder's host, process, job and since when, read from its lock node.
 *
 * <p><b>Losing the job.</b> When the lock is lost (the driver's ZooKeeper session expired, say
 * after a long GC pause), another driver may already run the job, so this one must stop having
 * side effects. The guard then cancels every Spark job started under it (they carry the job tag
 * {@link #jobTag()}, set on the thread that called {@link #start()} and inherited by threads it
 * starts; tasks are interrupted), cancels any such job started later, and {@link #checkHeld()}
 * throws from then on, even if the connection comes back: the run is over. A suspended
 * connection (lock {@code IN_DOUBT}) follows {@code zk.ownership.lost.on}: with
 * {@code suspended} (the default) it already counts as loss; with {@code lost} the job keeps
 * running until the session is known to be lost, and only the fenced commits of
 * {@link #partitionCommits()} protect the output meanwhile.
 *
 * <p><b>Fencing outputs.</b> {@link #token()} is higher for every new holder of the job; an
 * output store that keeps the highest token it saw can refuse a stale driver's writes.
 * {@link #partitionCommits()} gives executors partition commits that also check this guard.
 *
 * <p>Call {@link #start()} and {@link #close()} on the same thread: Curator's lock is per
 * thread, and Spark's job tags are per thread.
 */
public final class SparkJobGuard implements Closeable {
    /** What a driver does when another driver runs the job. */
    public enum OnBusy {
        /** Wait up to the configured deadline, then fail with {@link JobBusyException}. */
        WAIT,
        /** Fail at once with {@link JobBusyException}. */
        FAIL_FAST,
        /** Log the holder and exit the JVM with {@value SparkJobGuard#EXIT_BUSY}, for schedulers that act on exit codes. */
        EXIT
    }

    /** The guard's lifecycle. */
    public enum State {
        /** Built, not started. */
        LATENT,
        /** Holds the job. */
        RUNNING,
        /** Lost the job: its Spark jobs were cancelled and {@link #checkHeld()} throws. */
        STOPPED,
        /** Closed: the job was released. */
        CLOSED
    }

    /** Where job locks live, under the client's namespace. */
    public static final String ROOT = FencedMutex.ROOT + "/spark/jobs";
    /** The prefix of every SparkConf key the guard reads. */
    public static final String KEY_PREFIX = "spark.zktoolkit.job.guard.";
    /** SparkConf key: the job's name, the same on every driver that may run it (letters, digits, '.', '_', '-'). */
    public static final String NAME_KEY = KEY_PREFIX + "name";
    /** SparkConf key: {@code wait}, {@code fail-fast} (the default) or {@code exit}. */
    public static final String ON_BUSY_KEY = KEY_PREFIX + "onBusy";
    /** SparkConf key: how long {@code onBusy=wait} waits, in Spark's time format ({@code 90s}, {@code 10min}). */
    public static final String WAIT_KEY = KEY_PREFIX + "wait";
    /** How long {@link OnBusy#WAIT} waits unless told otherwise. */
    public static final Duration DEFAULT_WAIT = Duration.ofMinutes(10);
    /**
     * The exit code of {@link OnBusy#EXIT}: 75, {@code EX_TEMPFAIL} of sysexits.h, "try again
     * later", so that a scheduler can tell it from a failed job.
     */
    public static final int EXIT_BUSY = 75;

    /** Spark's local properties behind {@code addJobTag} and {@code setInterruptOnCancel} (Spark 3.5+). */
    private static final String JOB_TAGS_PROPERTY = "spark.job.tags";
    private static final String INTERRUPT_ON_CANCEL_PROPERTY = "spark.job.interruptOnCancel";
    private static final List<String> KEYS = List.of(NAME_KEY, ON_BUSY_KEY, WAIT_KEY);
    private static final Logger LOG = LoggerFactory.getLogger(SparkJobGuard.class);

    private final ToolkitClient zk;
    private final SparkContext sc;
    private final String name;
    private final OnBusy onBusy;
    private final Duration wait;
    private final FencedMutex mutex;
    private final String tag;
    private final SparkListener cancelLaterJobs = new CancelLaterJobs();
    private final Object transitions = new Object();

    private volatile State state = State.LATENT;
    private volatile String stopReason;
    private LockLease lease;
    private PartitionCommits commits;
    private String interruptOnCancelBefore;

    private SparkJobGuard(Builder builder) {
        this.zk = builder.zk;
        this.sc = builder.sc;
        this.name = builder.name;
        this.onBusy = builder.onBusy;
        this.wait = builder.wait;
        this.tag = "zktoolkit-job-guard-" + name;
        Holder holder = Holder.current(name + ", Spark app " + sc.applicationId());
        this.mutex = new FencedMutex(zk.curator(), ROOT + "/" + name, holder);
    }

    /** A builder; {@link Builder#conf} reads the {@value #KEY_PREFIX}* keys. */
    public static Builder builder(ToolkitClient zk, SparkContext sc) {
        return new Builder(zk, sc);
    }

    /**
     * A guard configured by the context's SparkConf ({@value #NAME_KEY}, {@value #ON_BUSY_KEY},
     * {@value #WAIT_KEY}).
     *
     * @throws IllegalArgumentException naming the key at fault
     */
    public static SparkJobGuard fromConf(ToolkitClient zk, SparkContext sc) {
        return builder(zk, sc).conf(sc.getConf()).build();
    }

    /**
     * Takes the job, or does what {@link OnBusy} says when another driver has it. Then tags this
     * thread's Spark jobs, so that they can be cancelled if the job is lost, and deletes commit
     * markers of earlier runs of the job (they are over: this driver holds the job now).
     *
     * @throws JobBusyException with {@link OnBusy#FAIL_FAST}, or after the deadline with {@link OnBusy#WAIT}
     * @throws io.zktoolkit.config.ZooKeeperUnavailableException naming the connect string, when
     *         the client's connection is down and does not return within {@code zk.connection.timeout}
     * @throws IllegalStateException when already started
     */
    public void start() {
        if (state != State.LATENT) {
            throw new IllegalStateException("Spark job guard " + name + " is " + state + "; start it once");
        }
        EnsembleReachability.awaitConnected(zk, "Spark job guard " + name);
        LockLease acquired = mutex.acquire(Duration.ZERO).orElseGet(this::whenBusy);
        try {
            interruptOnCancelBefore = sc.getLocalProperty(INTERRUPT_ON_CANCEL_PROPERTY);
            sc.addJobTag(tag);
            // A cancelled task must stop writing now, not when it next looks at its flags.
            sc.setInterruptOnCancel(true);
            sc.addSparkListener(cancelLaterJobs);
        } catch (RuntimeException e) {
            // For example a stopped SparkContext: nothing will run, so the job must not stay taken.
            acquired.release();
            throw e;
        }
        lease = acquired;
        state = State.RUNNING;
        acquired.addListener(this::ownershipChanged);
        ownershipChanged(acquired, acquired.state()); // the session may have gone before the listener was in place
        clearEarlierRuns();
        LOG.info("Spark job {} runs under its guard: lock {}, token {}, Spark job tag {}", name, mutex.path(),
                acquired.token(), tag);
    }

    /**
     * Runs {@code job} holding the job: {@link #start()}, the job, {@link #checkHeld()},
     * {@link #close()}.
     *
     * @throws LockLostException when the job was lost while it ran (its Spark jobs were cancelled);
     *         the job's own exception, if any, is the cause
     * @throws JobBusyException when another driver runs it (see {@link OnBusy})
     */
    public <T> T run(Callable<T> job) throws Exception {
        start();
        try {
            T result = job.call();
            checkHeld();
            return result;
        } catch (Exception e) {
            if (state == State.STOPPED && !(e instanceof LockLostException)) {
                throw new LockLostException("Spark job " + name + " was stopped: " + stopReason, e);
            }
            throw e;
        } finally {
            close();
        }
    }

    /** The job's name. */
    public String name() {
        return name;
    }

    /** The guard's state. */
    public State state() {
        return state;
    }

    /** The Spark job tag that marks this run's Spark jobs. */
    public String jobTag() {
        return tag;
    }

    /**
     * The fencing token of this run: higher than every earlier run's.
     *
     * @throws IllegalStateException when not started
     */
    public long token() {
        return started().token();
    }

    /** The lock lease, for fenced ZooKeeper writes from the driver ({@link LockLease#fencedWrite}). */
    public LockLease lease() {
        return started();
    }

    /**
     * Throws unless this driver may go on with side effects. A local check, no ZooKeeper round trip.
     *
     * @throws LockLostException when the job was lost, or the connection is in doubt and
     *         {@code zk.ownership.lost.on=suspended}
     * @throws IllegalStateException when not started, or closed
     */
    public void checkHeld() {
        switch (state) {
            case RUNNING -> lease.checkHeld();
            case STOPPED -> throw new LockLostException("Spark job " + name + " (token " + lease.token()
                    + ") was stopped: " + stopReason);
            default -> throw new IllegalStateException("Spark job guard " + name + " is " + state);
        }
    }

    /**
     * Partition commits for this run: run id {@code run-<token>}, and every commit also checks
     * that this driver still holds the job, so the tasks of a driver that lost it cannot commit.
     * Their markers are deleted by {@link #close()}.
     *
     * @throws IllegalStateException when not started
     */
    public synchronized PartitionCommits partitionCommits() {
        LockLease held = started();
        if (commits == null) {
            commits = PartitionCommits.guardedBy(PortableSettings.of(zk), name, runId(held), held.nodePath());
        }
        return commits;
    }

    /**
     * Releases the job: removes the job tag from this thread, deletes this run's commit markers,
     * then gives up the lock. Call it on the thread that called {@link #start()}. Safe to call
     * more than once.
     */
    @Override
    public void close() {
        State was;
        synchronized (transitions) {
            was = state;
            state = State.CLOSED;
        }
        if (was == State.LATENT || was == State.CLOSED) {
            return;
        }
        sc.removeSparkListener(cancelLaterJobs);
        sc.removeJobTag(tag);
        sc.setLocalProperty(INTERRUPT_ON_CANCEL_PROPERTY, interruptOnCancelBefore);
        deleteRun(runId(lease));
        lease.release();
        LOG.info("Spark job {} released (token {}, was {})", name, lease.token(), was);
    }

    @Override
    public String toString() {
        return "SparkJobGuard[" + name + ", " + onBusy + ", " + state + (lease == null ? "" : ", token " + lease.token()) + "]";
    }

    private LockLease started() {
        if (lease == null) {
            throw new IllegalStateException("Spark job guard " + name + " is not started");
        }
        return lease;
    }

    private LockLease whenBusy() {
        switch (onBusy) {
            case FAIL_FAST -> throw busy("gives up (" + ON_BUSY_KEY + "=fail-fast)");
            case EXIT -> {
                JobBusyException busy = busy("exits with code " + EXIT_BUSY + " (" + ON_BUSY_KEY + "=exit)");
                // Both: the log may have no appender configured, and stderr is what a scheduler keeps.
                LOG.error(busy.getMessage());
                System.err.println(busy.getMessage());
                System.exit(EXIT_BUSY);
                throw busy;
            }
            default -> {
                LOG.warn("{}", busy("waits up to " + wait.toMillis() + " ms (" + ON_BUSY_KEY + "=wait)").getMessage());
                return mutex.acquire(wait).orElseThrow(() -> busy("waited " + wait.toMillis() + " ms ("
                        + ON_BUSY_KEY + "=wait, " + WAIT_KEY + ") and gives up"));
            }
        }
    }

    private JobBusyException busy(String whatThisDriverDoes) {
        Optional<LockInspector.LockInfo> holder;
        try {
            holder = new LockInspector(zk).lock(mutex.path());
        } catch (Exception e) {
            holder = Optional.empty();
        }
        String held = holder.map(h -> "held by " + h.holder() + " since " + h.since() + " (token " + h.token() + ")")
                .orElse("held by another driver that released it a moment ago");
        return new JobBusyException("Spark job " + name + " is already running: " + held + ", lock " + mutex.path()
                + ". This driver " + whatThisDriverDoes + ".", name,
                holder.map(LockInspector.LockInfo::holder).orElse(null),
                holder.map(LockInspector.LockInfo::since).orElse(null));
    }

    /** Called on Curator's event thread: must not block, and cancelling in Spark only posts an event. */
    private void ownershipChanged(FencedOwnership ownership, FencedOwnership.State now) {
        boolean suspendedIsLoss = zk.curator().getConnectionStateErrorPolicy().isErrorState(ConnectionState.SUSPENDED);
        if (now == FencedOwnership.State.LOST) {
            stop("its lock " + ownership.nodePath() + " was lost (ZooKeeper session expired or node deleted)");
        } else if (now == FencedOwnership.State.IN_DOUBT && suspendedIsLoss) {
            stop("the connection to ZooKeeper was suspended and zk.ownership.lost.on=suspended");
        } else if (now == FencedOwnership.State.IN_DOUBT) {
            LOG.warn("Spark job {}: connection to ZooKeeper suspended; zk.ownership.lost.on=lost, so it keeps running"
                    + " unless the session is lost", name);
        }
    }

    private void stop(String why) {
        synchronized (transitions) {
            if (state != State.RUNNING) {
                return;
            }
            stopReason = why;
            state = State.STOPPED;
        }
        LOG.error("Spark job {} (token {}) lost its guard: {}. Cancelling its Spark jobs (tag {})", name,
                lease.token(), why, tag);
        try {
            sc.cancelJobsWithTag(tag, cancelReason());
        } catch (RuntimeException e) {
            LOG.warn("Could not cancel the Spark jobs of {}: {}", name, e.toString());
        }
    }

    private String cancelReason() {
        return "zktoolkit job guard of " + name + " lost: " + stopReason;
    }

    /** The job is exclusive, so no earlier run can still be committing: its markers only take space. */
    private void clearEarlierRuns() {
        String jobPath = PartitionCommits.ROOT + "/" + name;
        try {
            for (String run : zk.curator().getChildren().forPath(jobPath)) {
                if (!run.equals(runId(lease))) {
                    deleteRun(run);
                }
            }
        } catch (KeeperException.NoNodeException e) {
            // no run ever committed
        } catch (Exception e) {
            LOG.warn("Could not list earlier runs of {} under {}: {}", name, jobPath, e.toString());
        }
    }

    private void deleteRun(String run) {
        String path = PartitionCommits.ROOT + "/" + name + "/" + run;
        try {
            zk.curator().delete().deletingChildrenIfNeeded().forPath(path);
            LOG.info("Deleted the commit markers of {} {}", name, run);
        } catch (KeeperException.NoNodeException e) {
            // nothing committed
        } catch (Exception e) {
            LOG.warn("Could not delete the commit markers under {}: {}", path, e.toString());
        }
    }

    private static String runId(LockLease lease) {
        return "run-" + lease.token();
    }

    /** Cancels this run's Spark jobs that start after the job was lost: cancelling running ones is not enough. */
    private final class CancelLaterJobs extends SparkListener {
        @Override
        public void onJobStart(SparkListenerJobStart event) {
            if (state == State.STOPPED && carriesTag(event.properties())) {
                sc.cancelJob(event.jobId(), cancelReason());
            }
        }

        private boolean carriesTag(Properties properties) {
            String tags = properties == null ? null : properties.getProperty(JOB_TAGS_PROPERTY);
            return tags != null && Arrays.asList(tags.split(",")).contains(tag);
        }
    }

    /** Configures a {@link SparkJobGuard}. */
    public static final class Builder {
        private final ToolkitClient zk;
        private final SparkContext sc;
        private String name;
        private OnBusy onBusy = OnBusy.FAIL_FAST;
        private Duration wait = DEFAULT_WAIT;

        private Builder(ToolkitClient zk, SparkContext sc) {
            this.zk = Objects.requireNonNull(zk, "zk");
            this.sc = Objects.requireNonNull(sc, "sc");
        }

        /** The job's name, as {@value SparkJobGuard#NAME_KEY} would set it. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** What a driver does when the job is busy; {@link OnBusy#FAIL_FAST} unless set. */
        public Builder onBusy(OnBusy onBusy) {
            this.onBusy = Objects.requireNonNull(onBusy, "onBusy");
            return this;
        }

        /** How long {@link OnBusy#WAIT} waits; {@link SparkJobGuard#DEFAULT_WAIT} unless set. */
        public Builder waitAtMost(Duration wait) {
            if (wait.isNegative()) {
                throw new IllegalArgumentException(WAIT_KEY + " must not be negative, got " + wait);
            }
            this.wait = wait;
            return this;
        }

        /**
         * Reads the {@value SparkJobGuard#KEY_PREFIX}* keys present in {@code conf}.
         *
         * @throws IllegalArgumentException naming the key at fault, also for an unknown key under
         *         the prefix: a typo must not silently leave the default in place
         */
        public Builder conf(SparkConf conf) {
            for (Tuple2<String, String> entry : conf.getAllWithPrefix(KEY_PREFIX)) {
                String key = KEY_PREFIX + entry._1();
                if (!KEYS.contains(key)) {
                    throw new IllegalArgumentException("Unknown SparkConf key " + key + "; the job guard reads " + KEYS);
                }
            }
            if (conf.contains(NAME_KEY)) {
                name(conf.get(NAME_KEY));
            }
            if (conf.contains(ON_BUSY_KEY)) {
                onBusy(parseOnBusy(conf.get(ON_BUSY_KEY)));
            }
            if (conf.contains(WAIT_KEY)) {
                try {
                    waitAtMost(Duration.ofMillis(conf.getTimeAsMs(WAIT_KEY)));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("Invalid " + WAIT_KEY + " '" + conf.get(WAIT_KEY)
                            + "': expected a time such as 90s, 10min or 1h", e);
                }
            }
            return this;
        }

        /**
         * Builds the guard; nothing is taken until {@link SparkJobGuard#start()}.
         *
         * @throws IllegalArgumentException when the name is missing or invalid, naming {@value SparkJobGuard#NAME_KEY}
         */
        public SparkJobGuard build() {
            if (name == null) {
                throw new IllegalArgumentException("The Spark job guard needs the job's name: set " + NAME_KEY
                        + " (for example --conf " + NAME_KEY + "=daily-orders) or call Builder.name");
            }
            ZnodeName.check(name, NAME_KEY);
            return new SparkJobGuard(this);
        }

        private static OnBusy parseOnBusy(String text) {
            String wanted = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (OnBusy candidate : OnBusy.values()) {
                if (candidate.name().equals(wanted)) {
                    return candidate;
                }
            }
            throw new IllegalArgumentException("Invalid " + ON_BUSY_KEY + " '" + text + "': expected wait, fail-fast or exit");
        }
    }
}
