package io.zktoolkit.it.sparkcluster;

import static io.zktoolkit.it.sparkcluster.ExecutorKilledHoldingPartitionLockIT.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.it.harness.ProcessEnsemble;
import io.zktoolkit.it.harness.SparkStandaloneCluster;
import io.zktoolkit.locks.spark.PortableSettings;
import io.zktoolkit.sync.spark.JobProgressListener;
import io.zktoolkit.sync.state.JobBoard;
import io.zktoolkit.sync.state.JobChange;
import io.zktoolkit.sync.state.JobListener;
import io.zktoolkit.sync.state.JobSnapshot;
import io.zktoolkit.sync.state.RunState;
import io.zktoolkit.sync.state.RunStatus;
import io.zktoolkit.sync.state.Transition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@link JobProgressListener} in a driver on a real standalone cluster (two executors in their own
 * JVMs, on hosts 127.0.0.2 and 127.0.0.3) against a 3-server ensemble of server processes, with
 * per-task entries on. A {@link JobBoard} on its own ZooKeeper session, as a dashboard elsewhere
 * would, records every transition it is told; the test compares them with Spark's own listener
 * bus (which attempts ran where, and how each ended).
 *
 * <p>Tests share one application (one board job) and run in order; the last stops it.
 */
@ExtendWith(SharedCluster.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ProgressListenerOnClusterIT {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressListenerOnClusterIT.class);
    private static final Path SCRATCH = SharedCluster.scratch("progress");
    private static final String BOARD_JOB = "progress-on-cluster";
    private static final Set<String> HOSTS = Set.of("127.0.0.2", "127.0.0.3");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int ROWS = 400;

    private static SharedCluster.Fixture shared;
    private static ProcessEnsemble ensemble;
    private static ToolkitClient watcherZk;
    private static ToolkitClient listenerZk;
    private static JobBoard watcher;
    private static final Recorded RECORDED = new Recorded();
    private static final SparkAttempts ATTEMPTS = new SparkAttempts();
    private static SparkStandaloneCluster cluster;
    private static SparkSession spark;

    @BeforeAll
    static void startDriverAndWatcher(SharedCluster.Fixture fixture) {
        long started = System.nanoTime();
        shared = fixture;
        ensemble = fixture.ensemble();
        cluster = fixture.cluster();
        PortableSettings zk = fixture.zkSettings("progress-it", "10s");
        watcherZk = ToolkitClient.open(zk.toSettings());
        watcher = JobBoard.builder(watcherZk).build();
        watcher.start();
        watcher.addListener(RECORDED);
        SparkConf conf = fixture.driverConf("progress-on-a-cluster");
        zk.keys().forEach((key, value) -> conf.set(PortableSettings.SPARK_CONF_PREFIX + key, value));
        conf.set(JobProgressListener.KEY_PREFIX + "job", BOARD_JOB);
        conf.set(JobProgressListener.KEY_PREFIX + "tasks", "true");
        conf.set(JobProgressListener.KEY_PREFIX + "interval", "50ms");
        spark = fixture.startDriver(conf, sc -> {
            // On a client this class closes (spark.extraListeners would use the JVM's shared client,
            // open until the JVM exits, and would outlive this class); src-it/spark-it covers
            // spark.extraListeners.
            listenerZk = ToolkitClient.open(zk.toSettings());
            JobProgressListener.install(sc, listenerZk);
            sc.addSparkListener(ATTEMPTS);
        });
        LOG.info("Driver and watcher ready in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @AfterAll
    static void stopDriverAndWatcher() throws Exception {
        if (shared != null) {
            shared.stop(spark, SCRATCH, watcher, watcherZk, listenerZk);
        }
    }

    @Test
    @Order(1)
    void everyTransitionOfATwoStageJobOnBothExecutorsInOrderWithItsHost() throws Exception {
        int before = ATTEMPTS.jobCount();
        Path signals = Files.createDirectories(SCRATCH.resolve("plain"));
        checkResult(TwoStageJob.start(jsc(), ROWS, 6, 2, 300, signals, TwoStageJob.NO_VICTIM).get(120, TimeUnit.SECONDS));
        SparkAttempts.Job ran = checkBoard(before, 0);
        int job = ran.jobId();
        JobSnapshot board = watcher.job(BOARD_JOB).orElseThrow();

        // Stage by stage: the map stage finished before the reduce stage ran (board clock: the driver's).
        assertThat(ran.stageIds()).hasSize(2);
        int map = ran.stageIds().get(0);
        int reduce = ran.stageIds().get(1);
        Instant mapDone = last(board.tasks().get("stage-" + map)).at();
        Instant reduceRunning = first(board.tasks().get("stage-" + reduce), RunState.RUNNING).at();
        assertThat(reduceRunning).as("reduce stage RUNNING after the map stage SUCCEEDED").isAfterOrEqualTo(mapDone);
        assertThat(RECORDED.of(taskKey("job-" + job))).containsExactly(RunState.QUEUED, RunState.RUNNING, RunState.SUCCEEDED);
        for (int stage : ran.stageIds()) {
            assertThat(RECORDED.of(taskKey("stage-" + stage))).as("stage " + stage).containsExactly(RunState.QUEUED,
                    RunState.RUNNING, RunState.SUCCEEDED);
        }
        assertThat(ATTEMPTS.hostsOf(job)).as("hosts that ran the job's tasks").isEqualTo(HOSTS);
    }

    @Test
    @Order(2)
    void aZooKeeperLeaderKilledMidJobLosesNoTransition() throws Exception {
        int leader = ensemble.leaderIndex().orElseThrow();
        Path signals = Files.createDirectories(SCRATCH.resolve("zk-kill"));
        int before = ATTEMPTS.jobCount();
        JavaFutureAction<List<Tuple2<Integer, Long>>> running = TwoStageJob.start(jsc(), ROWS, 8, 2, 400, signals,
                TwoStageJob.NO_VICTIM);
        await(WAIT, "two map tasks ended", ATTEMPTS::toString, () -> ATTEMPTS.jobCount() > before
                && ATTEMPTS.job(before).ends().size() >= 2);
        ensemble.kill9(leader);
        LOG.info("Killed ZooKeeper leader {} with {} of the job's tasks ended", leader, ATTEMPTS.job(before).ends().size());
        try {
            checkResult(running.get(120, TimeUnit.SECONDS));
            checkBoard(before, 0);
        } finally {
            ensemble.restart(leader);
        }
    }

    @Test
    @Order(3)
    void anExecutorKilledMidStageShowsTheFailureAndTheRetryAndTheApplicationSucceeds() throws Exception {
        Path signals = Files.createDirectories(SCRATCH.resolve("executor-kill"));
        int victim = 1;
        int before = ATTEMPTS.jobCount();
        JavaFutureAction<List<Tuple2<Integer, Long>>> running = TwoStageJob.start(jsc(), ROWS, 6, 2, 300, signals, victim);
        Path holding = TwoStageJob.holdingSignal(signals, victim);
        await(WAIT, "the victim task running", ATTEMPTS::toString, () -> Files.exists(holding));
        Map<String, String> announced = SpeculatedPartitionWriter.fields(Files.readString(holding));
        long pid = Long.parseLong(announced.get("pid"));
        ProcessHandle executor = cluster.executor(pid);
        executor.destroyForcibly(); // SIGKILL, as kill -9
        executor.onExit().get(20, TimeUnit.SECONDS);
        LOG.info("Killed executor pid {} on {} running map task {}", pid, announced.get("host"), victim);

        checkResult(running.get(120, TimeUnit.SECONDS));
        SparkAttempts.Job spark = checkBoard(before, 1);
        int map = spark.stageIds().get(0);
        String key = taskKey("stage-" + map + "-task-" + victim);
        assertThat(RECORDED.of(key)).as("the victim's transitions").containsExactly(RunState.QUEUED, RunState.RUNNING,
                RunState.FAILED, RunState.RUNNING, RunState.SUCCEEDED);
        RunStatus task = watcher.job(BOARD_JOB).orElseThrow().tasks().get("stage-" + map + "-task-" + victim);
        Transition failed = task.transitions().stream().filter(t -> t.state() == RunState.FAILED).findFirst().orElseThrow();
        assertThat(failed.reason()).as("why the attempt failed").contains("ExecutorLostFailure");
        List<SparkAttempts.End> attempts = spark.endsPerTask().get("stage-" + map + "-task-" + victim);
        assertThat(attempts.get(0).host()).isEqualTo(announced.get("host"));
        assertThat(task.attributes()).as("the retry's attempt, on another executor").containsEntry("attempt", "1")
                .doesNotContainEntry("executor", attempts.get(0).executorId());
        RunStatus stage = watcher.job(BOARD_JOB).orElseThrow().tasks().get("stage-" + map);
        assertThat(stage.attributes()).containsEntry("tasksFailed", "1");

        // The application's end, after three Spark jobs: SUCCEEDED despite the lost executor.
        spark().stop();
        RunStatus end = watcher.awaitFinished(BOARD_JOB, WAIT);
        assertThat(end.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(end.attributes()).containsEntry("jobsSucceeded", "3").containsEntry("jobsFailed", "0")
                .containsEntry("tasksFailed", "1");
        assertThat(RECORDED.awaitEnd(BOARD_JOB)).containsExactly(RunState.QUEUED, RunState.RUNNING, RunState.SUCCEEDED);
        assertThat(RECORDED.missed).as("changes whose transitions the bounded history no longer held").isEmpty();
    }

    private static SparkSession spark() {
        return spark;
    }

    private static JavaSparkContext jsc() {
        return JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    private static void checkResult(List<Tuple2<Integer, Long>> result) {
        List<Tuple2<Integer, Long>> sorted = new ArrayList<>(result);
        sorted.sort(Comparator.comparing(Tuple2::_1));
        assertThat(sorted).isEqualTo(TwoStageJob.expected(ROWS));
    }

    /**
     * The Spark job with index {@code index} (in start order) as the board shows it, against
     * Spark's own record: each stage and the job SUCCEEDED with every task done; each task
     * attempt's entry went through the transitions Spark reported, in order, the last attempt's
     * executor and host on it.
     */
    private static SparkAttempts.Job checkBoard(int index, int failedAttempts) throws InterruptedException {
        SparkAttempts.Job spark = ATTEMPTS.job(index);
        int job = spark.jobId();
        await(WAIT, "the Spark job's events", ATTEMPTS::toString, () -> spark.ends().size() == spark.totalTasks() + failedAttempts);
        // The watcher's cache reads each znode on its own: the job's SUCCEEDED can reach it a round
        // trip before a stage or task entry written in the same transaction (after a reconnect, a
        // whole backlog lands in one), so wait for every entry, not the job's alone.
        JobSnapshot board = awaitOnBoard("job-" + job + ", its stages and its tasks' last attempts on the board",
                s -> isSucceeded(s, "job-" + job) && spark.stageIds().stream().allMatch(stage -> isSucceeded(s, "stage-" + stage))
                        && spark.endsPerTask().entrySet().stream().allMatch(task -> showsAttempt(s, task.getKey(),
                                task.getValue().get(task.getValue().size() - 1))));
        RunStatus jobEntry = board.tasks().get("job-" + job);
        assertThat(jobEntry.done()).isEqualTo(spark.totalTasks()).isEqualTo(jobEntry.total());
        for (int stage : spark.stageIds()) {
            RunStatus entry = board.tasks().get("stage-" + stage);
            assertThat(entry.state()).as("stage " + stage).isEqualTo(RunState.SUCCEEDED);
            assertThat(entry.done()).as("stage " + stage + " tasks done").isEqualTo((long) spark.tasksPerStage().get(stage))
                    .isEqualTo(entry.total());
        }
        for (Map.Entry<String, List<SparkAttempts.End>> task : spark.endsPerTask().entrySet()) {
            List<RunState> expected = new ArrayList<>(List.of(RunState.QUEUED));
            task.getValue().forEach(e -> expected.addAll(List.of(RunState.RUNNING, e.successful() ? RunState.SUCCEEDED : RunState.FAILED)));
            assertThat(RECORDED.awaitEnd(taskKey(task.getKey()), expected.size())).as(task.getKey() + " " + task.getValue())
                    .containsExactlyElementsOf(expected);
            SparkAttempts.End last = task.getValue().get(task.getValue().size() - 1);
            RunStatus entry = board.tasks().get(task.getKey());
            assertThat(entry.attributes()).as(task.getKey()).containsEntry("executor", last.executorId())
                    .containsEntry("host", last.host()).containsEntry("attempt", Integer.toString(last.attempt()));
            assertThat(last.host()).isIn(HOSTS);
        }
        assertThat(RECORDED.missed).isEmpty();
        return spark;
    }

    private static boolean isSucceeded(JobSnapshot board, String task) {
        RunStatus entry = board.tasks().get(task);
        return entry != null && entry.state() == RunState.SUCCEEDED;
    }

    private static boolean showsAttempt(JobSnapshot board, String task, SparkAttempts.End attempt) {
        RunStatus entry = board.tasks().get(task);
        return entry != null && entry.state().isFinished()
                && Integer.toString(attempt.attempt()).equals(entry.attributes().get("attempt"));
    }

    private static JobSnapshot awaitOnBoard(String what, java.util.function.Predicate<JobSnapshot> done) {
        await(WAIT, what, () -> String.valueOf(watcher.job(BOARD_JOB).orElse(null)),
                () -> watcher.job(BOARD_JOB).filter(done).isPresent());
        return watcher.job(BOARD_JOB).orElseThrow();
    }

    private static String taskKey(String task) {
        return BOARD_JOB + "/" + task;
    }

    private static Transition last(RunStatus status) {
        return status.transitions().get(status.transitions().size() - 1);
    }

    private static Transition first(RunStatus status, RunState state) {
        return status.transitions().stream().filter(t -> t.state() == state).findFirst().orElseThrow();
    }

    /** Every transition the watcher was told, per job or task, in order. */
    private static final class Recorded implements JobListener {
        final Map<String, List<RunState>> states = new ConcurrentHashMap<>();
        final List<String> missed = new CopyOnWriteArrayList<>();

        @Override
        public void changed(JobChange change) {
            String key = change.taskId() == null ? change.jobId() : change.jobId() + "/" + change.taskId();
            if (change.transitionsMissed()) {
                missed.add(key);
            }
            change.entered().forEach(t -> states.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(t.state()));
        }

        List<RunState> of(String key) {
            return List.copyOf(states.getOrDefault(key, List.of()));
        }

        /** Listeners are told one after another: the watcher may hear of an end a moment after the board has it. */
        List<RunState> awaitEnd(String key) {
            await(WAIT, key + " finished in the watcher's transitions", () -> String.valueOf(of(key)),
                    () -> !of(key).isEmpty() && of(key).get(of(key).size() - 1).isFinished());
            return of(key);
        }

        List<RunState> awaitEnd(String key, int transitions) {
            await(WAIT, transitions + " transitions of " + key + " ending in a finish", () -> String.valueOf(of(key)),
                    () -> of(key).size() >= transitions && of(key).get(of(key).size() - 1).isFinished());
            return of(key);
        }
    }

    /** Spark's own record, from the same listener bus: jobs, their stages, and each task attempt's start and end. */
    private static final class SparkAttempts extends SparkListener {
        record End(int stageId, int index, int attempt, String executorId, String host, boolean successful) {
        }

        record Job(int jobId, List<Integer> stageIds, Map<Integer, Integer> tasksPerStage, List<End> ends) {
            long totalTasks() {
                return tasksPerStage.values().stream().mapToLong(Integer::longValue).sum();
            }

            /** Attempts per board task id ({@code stage-<s>-task-<index>}), in the order they ended. */
            Map<String, List<End>> endsPerTask() {
                return ends.stream().collect(Collectors.groupingBy(e -> "stage-" + e.stageId() + "-task-" + e.index(),
                        LinkedHashMap::new, Collectors.toList()));
            }
        }

        private final List<Job> jobs = new CopyOnWriteArrayList<>();
        private final Map<Integer, Job> byStage = new ConcurrentHashMap<>();

        @Override
        public void onJobStart(SparkListenerJobStart event) {
            Map<Integer, Integer> tasks = new LinkedHashMap<>();
            CollectionConverters.asJava(event.stageInfos()).forEach(s -> tasks.put(s.stageId(), s.numTasks()));
            List<Integer> stages = new ArrayList<>(tasks.keySet());
            stages.sort(null);
            Job job = new Job(event.jobId(), stages, tasks, new CopyOnWriteArrayList<>());
            stages.forEach(s -> byStage.put(s, job));
            jobs.add(job);
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd event) {
            Job job = byStage.get(event.stageId());
            if (job != null) {
                job.ends().add(new End(event.stageId(), event.taskInfo().index(), event.taskInfo().attemptNumber(),
                        event.taskInfo().executorId(), event.taskInfo().host(), event.taskInfo().successful()));
            }
        }

        int jobCount() {
            return jobs.size();
        }

        Job job(int index) {
            return jobs.get(index);
        }

        Set<String> hostsOf(int jobId) {
            return jobs.stream().filter(j -> j.jobId() == jobId).flatMap(j -> j.ends().stream()).map(End::host)
                    .collect(Collectors.toSet());
        }

        @Override
        public String toString() {
            return jobs.toString();
        }
    }
}
