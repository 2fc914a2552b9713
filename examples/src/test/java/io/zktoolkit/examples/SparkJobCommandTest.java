package io.zktoolkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.QuorumClients;
import io.zktoolkit.examples.pipeline.TransformJobProcess;
import io.zktoolkit.it.harness.FreePorts;
import io.zktoolkit.locks.FencedMutex;
import io.zktoolkit.locks.Holder;
import io.zktoolkit.locks.LockLease;
import io.zktoolkit.sync.state.JobBoard;
import io.zktoolkit.sync.state.JobSnapshot;
import io.zktoolkit.sync.state.RunState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code zktoolkit spark-job}: a real Spark 4 application in its own JVM (the Spark world) against
 * a real 3-server quorum, on Sqoop-like text files.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class SparkJobCommandTest {
    /** The lock SparkJobGuard takes for a job (SparkJobGuard.ROOT, which needs Spark on the class path to name). */
    private static final String GUARD_ROOT = FencedMutex.ROOT + "/spark/jobs/";

    @TempDir
    Path dir;
    private QuorumClients zk;
    private Path input;

    @BeforeEach
    void start() throws Exception {
        zk = new QuorumClients();
        input = SqoopTextFiles.write(dir);
    }

    @AfterEach
    void stop() {
        zk.close();
    }

    @Test
    void runsTheJobShowsStageProgressAndResultsAndWritesParquet() throws Exception {
        Path conf = jobFile("totals", "");

        LauncherRun run = LauncherRun.of("spark-job", "--config", conf.toString());

        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).containsPattern("stage-\\d+ +\\[#{20}\\] +\\d+/\\d+ +tasks SUCCEEDED")
                .containsPattern("customers +2 +2 +0 +3\\.50")
                .containsPattern("orders +5 +4 +1 +41\\.75")
                .contains("guard token ", "done in ");
        Path totals = dir.resolve("out/table_totals");
        try (Stream<Path> files = Files.list(totals)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("part-") && n.endsWith(".parquet")).contains("_SUCCESS");
        }
        try (Stream<Path> staged = Files.list(dir.resolve("out/_staging"))) {
            assertThat(staged).as("the staged output was moved into place, not copied").isEmpty();
        }
        // The application's run is on the shared board, finished.
        String boardJob = run.out().replaceAll("(?s).*\\(board job ([^,]+),.*", "$1");
        try (JobBoard board = JobBoard.builder(zk.open()).build()) {
            board.start();
            JobSnapshot job = board.job(boardJob).orElseThrow();
            assertThat(job.job().state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(job.tasks().keySet()).anyMatch(t -> t.startsWith("stage-"));
        }
    }

    @Test
    void aSecondDriverOfTheSameJobIsRefusedNamingTheHolder() throws Exception {
        Path conf = jobFile("totals", "");
        try (LockLease held = holdJob("totals")) {
            LauncherRun refused = LauncherRun.of("spark-job", "--config", conf.toString());

            assertThat(refused.code()).as(refused.out() + refused.err()).isEqualTo(ExitCodes.FAILED);
            assertThat(refused.err()).contains("job busy", "Spark job totals is already running", "other-driver",
                    "token " + held.token());
            assertThat(refused.out()).doesNotContain("RESULT").contains("FAILED");
            assertThat(dir.resolve("out/table_totals")).doesNotExist();
        }
    }

    @Test
    void withOnBusyWaitASecondDriverWaitsForTheHolderThenRuns() throws Exception {
        Path conf = jobFile("totals", "spark.zktoolkit.job.guard.onBusy=wait\nspark.zktoolkit.job.guard.wait=60s\n");
        ToolkitClient other = zk.open();
        LockLease held = new FencedMutex(other.curator(), GUARD_ROOT + "totals", Holder.current("other-driver"))
                .acquire(Duration.ofSeconds(10)).orElseThrow();
        CompletableFuture<LauncherRun> second = CompletableFuture.supplyAsync(() -> LauncherRun.of("spark-job", "--config",
                conf.toString()));
        // The waiting driver queues its own node behind the holder's: release only once it is there.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (other.curator().getChildren().forPath(GUARD_ROOT + "totals").size() < 2) {
            assertThat(second).as("the second driver ended before queueing on the job's lock").isNotDone();
            assertThat(System.nanoTime()).as("the second driver queued within 90 s").isLessThan(deadline);
            Thread.sleep(100);
        }
        held.release();

        LauncherRun run = second.get(90, TimeUnit.SECONDS);
        assertThat(run.code()).as(run.out() + run.err()).isZero();
        long token = Long.parseLong(run.out().replaceAll("(?s).*guard token (\\d+).*", "$1"));
        assertThat(token).as("a later holder gets a higher fencing token").isGreaterThan(held.token());
        assertThat(run.out()).containsPattern("orders +5 +4 +1 +41\\.75");
    }

    @Test
    void aMissingFileOrKeyIsExit3NamingIt() throws Exception {
        Path missing = dir.resolve("nope.properties");
        LauncherRun noFile = LauncherRun.of("spark-job", "--config", missing.toString());
        assertThat(noFile.code()).isEqualTo(ExitCodes.BAD_SETTINGS);
        assertThat(noFile.err()).contains(missing.toString(), "no such file");

        // A job key: the job itself checks it, before Spark starts.
        Path noInput = dir.resolve("no-input.properties");
        Files.writeString(noInput, "zk.connect=" + zk.connectString() + "\njob.name=totals\njob.output=out\n");
        LauncherRun badJob = LauncherRun.of("spark-job", "--config", noInput.toString());
        assertThat(badJob.code()).as(badJob.out() + badJob.err()).isEqualTo(ExitCodes.BAD_SETTINGS);
        assertThat(badJob.err()).contains(noInput.toString(), "job.input is missing");

        // A zk.* key: the launcher checks it before starting anything.
        Path typo = jobFile("totals", "zk.sesion.timeout=5s\n");
        LauncherRun badZk = LauncherRun.of("spark-job", "--config", typo.toString());
        assertThat(badZk.code()).isEqualTo(ExitCodes.BAD_SETTINGS);
        assertThat(badZk.err()).contains(typo.toString(), "zk.sesion.timeout");

        Path badOnBusy = jobFile("totals", "spark.zktoolkit.job.guard.onBusy=sometimes\n");
        LauncherRun badGuard = LauncherRun.of("spark-job", "--config", badOnBusy.toString());
        assertThat(badGuard.code()).as(badGuard.out() + badGuard.err()).isEqualTo(ExitCodes.BAD_SETTINGS);
        assertThat(badGuard.err()).contains(badOnBusy.toString(), "spark.zktoolkit.job.guard.onBusy", "sometimes");
    }

    @Test
    void zooKeeperUnreachableIsExit4FromTheLauncherAndFromTheJob() throws Exception {
        String nobody = "zk.connect=127.0.0.1:" + FreePorts.next() + "\nzk.connection.timeout=2s\n";
        Path conf = jobFile("totals", nobody);

        LauncherRun run = LauncherRun.of("spark-job", "--config", conf.toString());
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ExitCodes.ZOOKEEPER_UNAVAILABLE);
        assertThat(run.err()).contains("127.0.0.1");

        // The job on its own (as the pipeline starts it) says the same.
        try (TransformJobProcess job = TransformJobProcess.start(conf, dir.resolve("job.log"))) {
            TransformJobProcess.Result result = job.awaitResult(Duration.ofSeconds(60));
            assertThat(result.exitCode()).isEqualTo(4);
            assertThat(result.failure()).hasValueSatisfying(f -> assertThat(f).contains("ZooKeeper unreachable", "127.0.0.1"));
        }
    }

    private LockLease holdJob(String job) {
        return new FencedMutex(zk.open().curator(), GUARD_ROOT + job, Holder.current("other-driver"))
                .acquire(Duration.ofSeconds(10)).orElseThrow();
    }

    /** A job file on the quorum; {@code extra} lines are appended, a later zk.connect winning over the quorum's. */
    private Path jobFile(String name, String extra) throws Exception {
        Path file = dir.resolve(name + "-" + System.nanoTime() + ".properties");
        String connect = extra.contains("zk.connect=") ? "" : "zk.connect=" + zk.connectString() + "\n";
        Files.writeString(file, connect + "job.name=" + name + "\njob.input=" + input + "\njob.output=out\n" + extra);
        return file;
    }

}
