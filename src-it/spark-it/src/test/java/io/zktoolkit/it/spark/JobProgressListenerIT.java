package io.zktoolkit.it.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.it.harness.InJvmQuorum;
import io.zktoolkit.sync.spark.JobProgressListener;
import io.zktoolkit.sync.state.JobBoard;
import io.zktoolkit.sync.state.JobChange;
import io.zktoolkit.sync.state.JobListener;
import io.zktoolkit.sync.state.JobSnapshot;
import io.zktoolkit.sync.state.RunState;
import io.zktoolkit.sync.state.RunStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkException;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@link JobProgressListener} in real local[2] applications against a real 3-server quorum,
 * watched by a {@link JobBoard} on its own client, as a dashboard on another machine would.
 * Counts on the board are compared with Spark's own: its status tracker and a plain listener
 * counting task ends on the same bus.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class JobProgressListenerIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static InJvmQuorum quorum;
    private static ToolkitClient watcherClient;
    private JobBoard watcher;
    private final Recorded recorded = new Recorded();
    private SparkContext sc;

    @BeforeAll
    static void startQuorum() {
        quorum = SparkIt.startQuorum();
        watcherClient = SparkIt.connect(quorum);
    }

    @AfterAll
    static void stopQuorum() throws Exception {
        if (watcherClient != null) {
            watcherClient.close();
        }
        if (quorum != null) {
            quorum.close();
        }
    }

    @BeforeEach
    void watch() {
        watcher = JobBoard.builder(watcherClient).build();
        watcher.start();
        watcher.addListener(recorded);
    }

    @AfterEach
    void stopSpark() {
        if (sc != null) {
            sc.stop();
        }
        watcher.close();
    }

    /** Every transition the watcher was told, per job or task, in order. */
    private static final class Recorded implements JobListener {
        final Map<String, List<RunState>> states = new ConcurrentHashMap<>();

        @Override
        public void changed(JobChange change) {
            String key = change.taskId() == null ? change.jobId() : change.jobId() + "/" + change.taskId();
            change.entered().forEach(t -> states.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(t.state()));
        }

        List<RunState> of(String key) {
            return states.getOrDefault(key, List.of());
        }

        /** Listeners are told one after another: the watcher's may hear of the end after awaitFinished returned. */
        List<RunState> awaitEnd(String key) throws InterruptedException {
            SparkIt.await(WAIT, key + " finished in the watcher's transitions", () -> String.valueOf(of(key)),
                    () -> !of(key).isEmpty() && of(key).get(of(key).size() - 1).isFinished());
            return of(key);
        }
    }

    /** Spark's own count of successful task ends per stage and the stages of each job, from the same bus. */
    private static final class SparkCounts extends SparkListener {
        final Map<Integer, Integer> succeededPerStage = new ConcurrentHashMap<>();
        final Map<Integer, List<Integer>> stagesPerJob = new ConcurrentHashMap<>();

        @Override
        public void onJobStart(SparkListenerJobStart event) {
            List<Integer> stages = new ArrayList<>();
            CollectionConverters.asJava(event.stageInfos()).forEach(s -> stages.add(s.stageId()));
            stagesPerJob.put(event.jobId(), stages);
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd event) {
            if (event.taskInfo().successful()) {
                succeededPerStage.merge(event.stageId(), 1, Integer::sum);
            }
        }
    }

    private static SparkConf conf(String appName) {
        SparkConf conf = new SparkConf(false).setAppName(appName);
        SparkIt.LOCAL_DRIVER.forEach(conf::set);
        conf.set("spark.zktoolkit.zk.connect", quorum.connectString());
        conf.set("spark.zktoolkit.zk.connection.timeout", "3s");
        conf.set(JobProgressListener.KEY_PREFIX + "interval", "50ms");
        return conf;
    }

    /** Two Spark jobs: a shuffle (8 map tasks, 4 reduce tasks) and a count over 5 partitions. */
    private static void runTwoJobs(SparkContext sc) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            numbers.add(i);
        }
        List<Tuple2<Integer, Integer>> sums = jsc.parallelize(numbers, 8).mapToPair(i -> new Tuple2<>(i % 10, i))
                .reduceByKey(Integer::sum, 4).collect();
        assertThat(sums).hasSize(10);
        assertThat(jsc.parallelize(numbers, 5).count()).isEqualTo(1000);
    }

    private JobSnapshot awaitOnBoard(String jobId, String what, java.util.function.Predicate<JobSnapshot> done)
            throws InterruptedException {
        SparkIt.await(WAIT, what, () -> String.valueOf(watcher.job(jobId).orElse(null)),
                () -> watcher.job(jobId).filter(done).isPresent());
        return watcher.job(jobId).orElseThrow();
    }

    @Test
    void extraListenersPublishesTheApplicationRunningThenSucceededWithSparksTaskCounts() throws Exception {
        SparkConf conf = conf("progress-extra-listeners")
                .set("spark.extraListeners", JobProgressListener.class.getName())
                .set(JobProgressListener.KEY_PREFIX + "job", "progress-extra-it");
        sc = new SparkContext(conf);
        SparkCounts counts = new SparkCounts();
        sc.addSparkListener(counts);

        runTwoJobs(sc);

        JobSnapshot running = awaitOnBoard("progress-extra-it", "both Spark jobs SUCCEEDED on the board",
                s -> s.tasks().containsKey("job-1") && s.tasks().get("job-1").state() == RunState.SUCCEEDED
                        && s.tasks().get("job-0").state() == RunState.SUCCEEDED);
        assertThat(running.job().state()).as("the application, while it still runs").isEqualTo(RunState.RUNNING);
        assertThat(running.publisherAlive()).isTrue();
        // Spark's own numbers, before the context stops.
        Map<Integer, SparkStageInfo> tracker = new java.util.HashMap<>();
        for (List<Integer> stages : counts.stagesPerJob.values()) {
            stages.forEach(s -> tracker.put(s, sc.statusTracker().getStageInfo(s).get()));
        }
        sc.stop();
        sc = null;

        RunStatus end = watcher.awaitFinished("progress-extra-it", WAIT);
        assertThat(end.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(recorded.awaitEnd("progress-extra-it")).containsExactly(RunState.QUEUED, RunState.RUNNING, RunState.SUCCEEDED);
        JobSnapshot board = watcher.job("progress-extra-it").orElseThrow();
        assertThat(end.attributes()).containsEntry("appName", "progress-extra-listeners").containsEntry("jobsSucceeded", "2")
                .containsEntry("jobsFailed", "0");
        assertThat(end.done()).isEqualTo(17).isEqualTo(end.total());

        assertThat(tracker).hasSize(3);
        for (Map.Entry<Integer, SparkStageInfo> stage : tracker.entrySet()) {
            RunStatus published = board.tasks().get("stage-" + stage.getKey());
            assertThat(published.state()).as("stage " + stage.getKey()).isEqualTo(RunState.SUCCEEDED);
            assertThat(published.total()).as("stage " + stage.getKey() + " tasks").isEqualTo(stage.getValue().numTasks());
            assertThat(published.done()).as("stage " + stage.getKey() + " tasks done")
                    .isEqualTo((long) stage.getValue().numCompletedTasks())
                    .isEqualTo((long) counts.succeededPerStage.get(stage.getKey()));
            assertThat(published.attributes()).containsEntry("tasksFailed", String.valueOf(stage.getValue().numFailedTasks()));
        }
        for (Map.Entry<Integer, List<Integer>> job : counts.stagesPerJob.entrySet()) {
            RunStatus published = board.tasks().get("job-" + job.getKey());
            long sparkTotal = job.getValue().stream().mapToLong(s -> tracker.get(s).numTasks()).sum();
            assertThat(published.total()).as("job " + job.getKey()).isEqualTo(sparkTotal).isEqualTo(published.done());
            assertThat(recorded.awaitEnd("progress-extra-it/job-" + job.getKey())).containsExactly(RunState.QUEUED, RunState.RUNNING,
                    RunState.SUCCEEDED);
        }
        assertThat(board.tasks().get("job-0").total()).isEqualTo(12);
        assertThat(board.tasks().get("stage-1").attributes().get("shuffleBytesRead")).isNotEqualTo("0");
        assertThat(board.tasks()).as("one entry per Spark job and stage, none per task").hasSize(5);
        assertThat(board.publisherAlive()).isFalse();
    }

    @Test
    void oneLineInstallShowsAFailingJobFailedWithItsReasonAndTheApplicationFailed() throws Exception {
        sc = new SparkContext(conf("progress one-liner"));
        JobProgressListener listener = JobProgressListener.install(sc);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
        assertThat(jsc.parallelize(List.of(1, 2, 3, 4), 2).count()).isEqualTo(4);
        Throwable failure = catchThrowable(() -> jsc.parallelize(List.of(1, 2, 3, 4), 2).foreach(i -> {
            if (i == 3) {
                throw new IllegalStateException("bad record 3 in the input");
            }
        }));
        assertThat(failure).isInstanceOf(SparkException.class);
        String jobId = JobBoard.toId("progress one-liner-" + sc.applicationId());
        // The listener connects and opens the job on its own thread, never on Spark's bus, so
        // the id shows up a moment after install.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (listener.stats().jobId().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(listener.stats().jobId()).contains(jobId);

        JobSnapshot board = awaitOnBoard(jobId, "job-1 FAILED", s -> s.tasks().containsKey("job-1")
                && s.tasks().get("job-1").state() == RunState.FAILED);
        assertThat(board.tasks().get("job-0").state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(board.tasks().get("job-1").message()).contains("bad record 3 in the input");
        assertThat(board.tasks().get("stage-1").state()).isEqualTo(RunState.FAILED);
        assertThat(board.tasks().get("stage-1").attributes()).containsEntry("tasksFailed", "1");
        assertThat(board.tasks().get("stage-1").message()).contains("bad record 3 in the input").doesNotContain("\tat ");
        sc.stop();
        sc = null;

        assertThat(listener.stats().endWritten()).as("written before stop() returned").isTrue();
        RunStatus end = watcher.awaitFinished(jobId, WAIT);
        assertThat(end.state()).isEqualTo(RunState.FAILED);
        assertThat(end.message()).contains("1 Spark job(s) failed", "Spark job 1 failed", "bad record 3 in the input");
        assertThat(recorded.awaitEnd(jobId)).containsExactly(RunState.QUEUED, RunState.RUNNING, RunState.FAILED);
    }

    @Test
    void perTaskEntriesOnlyWhenAsked() throws Exception {
        sc = new SparkContext(conf("progress-per-task").set(JobProgressListener.KEY_PREFIX + "tasks", "true")
                .set(JobProgressListener.KEY_PREFIX + "job", "progress-per-task-it"));
        JobProgressListener.install(sc);
        assertThat(JavaSparkContext.fromSparkContext(sc).parallelize(List.of(1, 2, 3, 4, 5, 6), 6).count()).isEqualTo(6);
        sc.stop();
        sc = null;
        assertThat(watcher.awaitFinished("progress-per-task-it", WAIT).state()).isEqualTo(RunState.SUCCEEDED);
        JobSnapshot board = watcher.job("progress-per-task-it").orElseThrow();
        for (int partition = 0; partition < 6; partition++) {
            RunStatus task = board.tasks().get("stage-0-task-" + partition);
            assertThat(task.state()).as("task " + partition).isEqualTo(RunState.SUCCEEDED);
            assertThat(task.attributes()).containsKeys("tid", "executor", "durationMs");
        }
        assertThat(board.tasks()).hasSize(6 + 2);
    }

    @Test
    void zooKeeperDownWhileTheApplicationRunsAndEndsNeitherBlocksNorBreaksItAndTheBoardCatchesUp() throws Exception {
        sc = new SparkContext(conf("progress-outage").set(JobProgressListener.KEY_PREFIX + "job", "progress-outage-it")
                .set(JobProgressListener.KEY_PREFIX + "closeTimeout", "3s"));
        JobProgressListener listener = JobProgressListener.install(sc);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
        assertThat(jsc.parallelize(List.of(1, 2, 3, 4), 2).count()).isEqualTo(4);
        awaitOnBoard("progress-outage-it", "job-0 SUCCEEDED before the outage",
                s -> s.tasks().containsKey("job-0") && s.tasks().get("job-0").state() == RunState.SUCCEEDED);

        for (int server = 0; server < quorum.size(); server++) {
            quorum.kill(server);
        }
        try {
            // The application goes on while no server is up: a shuffle job, then its end.
            runTwoJobs(sc);
            sc.stop();
            sc = null;
            JobProgressListener.Stats stats = listener.stats();
            assertThat(stats.endWritten()).as("the end cannot be written with no server up: " + stats).isFalse();
            assertThat(watcher.job("progress-outage-it").orElseThrow().job().state()).isEqualTo(RunState.RUNNING);
        } finally {
            for (int server = 0; server < quorum.size(); server++) {
                quorum.restart(server);
            }
        }

        // This JVM lives on, so the listener's writer catches up once ZooKeeper is back.
        RunStatus end = watcher.awaitFinished("progress-outage-it", WAIT);
        assertThat(end.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(end.attributes()).containsEntry("jobsSucceeded", "3");
        JobSnapshot board = awaitOnBoard("progress-outage-it", "job-2 in the watcher's view",
                s -> s.tasks().containsKey("job-2"));
        assertThat(board.tasks().get("job-2").state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(board.tasks().get("job-1").done()).isEqualTo(12);
        assertThat(recorded.awaitEnd("progress-outage-it")).containsSubsequence(RunState.RUNNING, RunState.SUCCEEDED);
    }
}
