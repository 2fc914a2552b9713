package io.zktoolkit.sync.spark;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.spark.ExecutorClients;
import io.zktoolkit.locks.spark.PortableSettings;
import io.zktoolkit.sync.state.JobBoard;
import io.zktoolkit.sync.state.JobReporter;
import io.zktoolkit.sync.state.RunState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.JobFailed;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.scheduler.SparkListenerApplicationStart;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.scheduler.TaskInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Publishes a Spark application's progress on a {@link JobBoard}: the application is one board
 * job (RUNNING from its start, SUCCEEDED or FAILED at its end), each Spark job a board task
 * {@code job-<id>} and each stage a board task {@code stage-<id>}, with tasks done of total,
 * failed task counts and records/bytes as attributes.
 *
 * <pre>{@code
 * // spark-submit --conf spark.extraListeners=io.zktoolkit.sync.spark.JobProgressListener \
 * //              --conf spark.zktoolkit.zk.connect=zk1:2181,zk2:2181 ...
 * JobProgressListener.install(spark.sparkContext());        // or in code, after the context started
 * }</pre>
 *
 * <p>Keys ({@value #KEY_PREFIX}*): {@code job} the board job id (default
 * {@code <appName>-<appId>} made into a valid id); {@code root} the board's root (default
 * {@code /jobs}); {@code tasks=true} adds one board task per Spark task
 * ({@code stage-<s>-task-<partition>}), off by default because a 10,000-task stage would make
 * 10,000 znodes; {@code interval} (default 200ms) how often changes go to the board;
 * {@code closeTimeout} (default 10s) how long the application's end waits for the last state.
 * ZooKeeper settings are {@code spark.zktoolkit.zk.*} ({@link PortableSettings#fromSparkConf}).
 *
 * <p><b>Never in Spark's way.</b> Listener calls only update counters in memory; one background
 * thread connects, publishes and writes, coalescing a burst of task ends into one update per
 * stage per interval. While ZooKeeper is unreachable the application runs on, the listener logs
 * once and catches up when it returns. The application's end waits at most {@code closeTimeout}
 * for the final state; what is still unwritten then is logged (and written later if this JVM
 * lives on), and a job whose driver died shows as abandoned on the board.
 *
 * <p>The application ends FAILED when Spark reports a non-zero exit code or when any Spark job
 * failed (the reason names the first failed job and why), else SUCCEEDED.
 */
public final class JobProgressListener extends SparkListener {
    /** The prefix of the listener's SparkConf keys. */
    public static final String KEY_PREFIX = "spark.zktoolkit.progress.";
    private static final Logger LOG = LoggerFactory.getLogger(JobProgressListener.class);
    private static final Duration PUBLISHER_MARGIN = Duration.ofSeconds(1);

    /**
     * Counts for monitoring and benchmarks.
     *
     * @param taskEvents       Spark task ends seen
     * @param updatesPublished updates handed to the board (after coalescing per interval)
     * @param batchesWritten   ZooKeeper transactions written (each up to 200 updates)
     * @param pendingUpdates   updates not yet written
     * @param jobId            the board job, once the application started
     * @param problem          why the board is behind, while it is
     * @param endWritten       whether the application's end is written (false until then, also after a
     *                         {@code closeTimeout} that ran out)
     */
    public record Stats(long taskEvents, long updatesPublished, long batchesWritten, int pendingUpdates,
            Optional<String> jobId, Optional<String> problem, boolean endWritten) {
    }

    private final ProgressSettings settings;
    private final SparkProgress model;
    private final ProgressPublisher publisher;
    private final AtomicBoolean failedOnce = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();

    /**
     * The constructor Spark calls for {@code spark.extraListeners}: ZooKeeper settings from
     * {@code spark.zktoolkit.zk.*}, on this JVM's shared client ({@link ExecutorClients}).
     *
     * @throws IllegalArgumentException naming the key at fault (Spark then fails to start the
     *                                  application, which is better than publishing nowhere)
     */
    public JobProgressListener(SparkConf conf) {
        this(conf, PortableSettings.fromSparkConf(conf));
    }

    private JobProgressListener(SparkConf conf, PortableSettings zk) {
        this(conf, () -> ExecutorClients.client(zk), zk.connectString());
    }

    private JobProgressListener(SparkConf conf, Supplier<ToolkitClient> client, String where) {
        this.settings = ProgressSettings.from(conf);
        this.model = new SparkProgress(settings.perTask());
        this.publisher = new ProgressPublisher(model, settings, client, where);
        publisher.start();
    }

    /**
     * Adds a listener to a running context, with ZooKeeper settings from its SparkConf
     * ({@code spark.zktoolkit.zk.*}). The application counts as started now; Spark jobs that
     * ran before are not shown.
     *
     * @throws IllegalArgumentException naming the SparkConf key at fault
     */
    public static JobProgressListener install(SparkContext sc) {
        return install(sc, new JobProgressListener(sc.getConf()));
    }

    /** As {@link #install(SparkContext)}, on the caller's client (which the listener never closes). */
    public static JobProgressListener install(SparkContext sc, ToolkitClient zk) {
        Objects.requireNonNull(zk, "zk");
        return install(sc, new JobProgressListener(sc.getConf(), () -> zk, zk.connectString()));
    }

    private static JobProgressListener install(SparkContext sc, JobProgressListener listener) {
        listener.model.applicationStarted(sc.appName(), sc.applicationId(), sc.sparkUser());
        sc.addSparkListener(listener);
        return listener;
    }

    /** The counts so far. */
    public Stats stats() {
        Optional<JobReporter> reporter = publisher.reporter();
        return new Stats(model.taskEvents(), publisher.updatesPublished(), reporter.map(JobReporter::batchesWritten).orElse(0L),
                reporter.map(JobReporter::pendingUpdates).orElse(0), publisher.jobId(), publisher.problem(),
                publisher.endWritten());
    }

    @Override
    public void onApplicationStart(SparkListenerApplicationStart event) {
        guard(() -> model.applicationStarted(event.appName(), event.appId().getOrElse(() -> "app-" + event.time()),
                event.sparkUser()));
    }

    @Override
    public void onJobStart(SparkListenerJobStart event) {
        guard(() -> {
            Map<Integer, Integer> tasksPerStage = new LinkedHashMap<>();
            for (StageInfo stage : CollectionConverters.asJava(event.stageInfos())) {
                tasksPerStage.put(stage.stageId(), stage.numTasks());
            }
            model.jobStarted(event.jobId(), tasksPerStage);
        });
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted event) {
        guard(() -> {
            StageInfo stage = event.stageInfo();
            model.stageSubmitted(stage.stageId(), stage.attemptNumber(), stage.name(), stage.numTasks());
        });
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart event) {
        if (settings.perTask()) {
            guard(() -> {
                TaskInfo info = event.taskInfo();
                model.taskStarted(event.stageId(), info.index(), info.attemptNumber(), info.taskId(), info.executorId(),
                        info.host());
            });
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
        guard(() -> {
            TaskInfo info = event.taskInfo();
            RunState outcome = info.successful() ? RunState.SUCCEEDED : info.killed() ? RunState.CANCELLED : RunState.FAILED;
            String reason = event.reason() instanceof TaskFailedReason failed ? failed.toErrorString() : "";
            model.taskEnded(event.stageId(), info.index(), outcome, reason, info.duration(), metrics(event.taskMetrics()));
        });
    }

    private static SparkProgress.TaskMetricsSum metrics(TaskMetrics m) {
        if (m == null) {
            return SparkProgress.TaskMetricsSum.NONE;
        }
        return new SparkProgress.TaskMetricsSum(m.inputMetrics().recordsRead(), m.inputMetrics().bytesRead(),
                m.outputMetrics().recordsWritten(), m.outputMetrics().bytesWritten(), m.shuffleReadMetrics().totalBytesRead(),
                m.shuffleWriteMetrics().bytesWritten());
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted event) {
        guard(() -> model.stageCompleted(event.stageInfo().stageId(), event.stageInfo().failureReason().getOrElse(() -> "")));
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd event) {
        guard(() -> model.jobEnded(event.jobId(), event.jobResult() instanceof JobFailed failed ? String.valueOf(failed.exception()) : ""));
    }

    /**
     * Marks the application finished and waits up to {@code closeTimeout} for its last state to
     * be written: Spark stops the JVM's work right after, and an unwritten end would leave the
     * job looking abandoned.
     */
    @Override
    public void onApplicationEnd(SparkListenerApplicationEnd event) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        guard(() -> model.applicationEnded(event.exitCode().isDefined() ? (Integer) event.exitCode().get() : null));
        publisher.end();
        try {
            // The publisher gives up writing at closeTimeout and says so; this only catches it stuck elsewhere.
            if (!publisher.awaitFinished(settings.closeTimeout().plus(PUBLISHER_MARGIN))) {
                LOG.error("Spark job progress: the end of {} was not published within {} ({}={}): {}. The application is not"
                        + " affected; the board shows the job abandoned once this JVM is gone", publisher.jobId().orElse("the application"),
                        settings.closeTimeout(), ProgressSettings.CLOSE_TIMEOUT_KEY, settings.closeTimeout().toMillis() + "ms",
                        publisher.problem().orElse("ZooKeeper did not take the last updates"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A bug here must never break the listener bus or the application: log it once and go on. */
    private void guard(Runnable handler) {
        try {
            handler.run();
        } catch (RuntimeException e) {
            if (failedOnce.compareAndSet(false, true)) {
                LOG.error("Spark job progress: an event could not be recorded; the application is not affected", e);
            } else {
                LOG.debug("Spark job progress: an event could not be recorded: {}", e.toString());
            }
        }
    }
}
