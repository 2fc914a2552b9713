package io.zktoolkit.it.sparkcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.it.harness.SparkStandaloneCluster;
import io.zktoolkit.it.sparkcluster.SpeculatedPartitionWriter.Straggle;
import io.zktoolkit.locks.LockInspector;
import io.zktoolkit.locks.spark.CommitMarker;
import io.zktoolkit.locks.spark.PartitionCommits;
import io.zktoolkit.locks.spark.PortableSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
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

/**
 * Partition commits under real speculation, on a standalone cluster whose executors get the
 * toolkit only from the bundle in {@code spark.jars}, against a 3-server ensemble of server
 * processes. Spark's own scheduler launches a speculative copy of a straggling partition
 * (interval 100 ms, quantile 0.5, multiplier 2, efficiency check off: the straggler reads no
 * input, so its "processing rate" says nothing); every test fails unless the driver's listener
 * saw that copy launched, speculative, on the other host.
 *
 * <p><b>Why a cluster.</b> Spark 4.0.4 never speculates in {@code local[N]}
 * ({@code TaskSchedulerImpl} starts its speculation check only when not local; spark-it's
 * {@code LocalModeNeverSpeculatesIT} shows it), and never puts a copy on a host that already runs
 * an attempt, so the two Workers sit on 127.0.0.2 and 127.0.0.3.
 *
 * <p><b>A racing copy</b> ({@link Straggle#RACE}): both attempts are alive and decide; the commit
 * marker lets exactly one publish and tells the other who won. Without commits both publish.
 *
 * <p><b>A zombie</b> ({@link Straggle#ZOMBIE}): the original attempt holds the partition's lock;
 * once the copy has started (and found the lock held), the test freezes the original's executor
 * JVM with SIGSTOP: alive to the OS, its sockets open, running nothing. The frozen holder's
 * ZooKeeper session expires (6 s), the copy takes the lock with a higher fencing token, commits,
 * publishes, and the job ends. Then the test resumes the executor with SIGCONT; Spark's request
 * to kill the original (sent when the copy succeeded) reaches it, and it carries on regardless, as
 * a task stuck in uninterruptible I/O does: its late commit is refused (its lock node is gone)
 * and it publishes nothing. Without commits the same zombie's late rename lands beside the copy's
 * file: the partition is in the output twice.
 *
 * <p><b>Spark's timeouts during the freeze.</b> Chosen: Spark must keep the frozen executor, so
 * that the zombie really comes back. The driver declares an executor lost only after
 * {@code spark.network.timeout} without a heartbeat ({@code HeartbeatReceiver}); the Worker only
 * watches for its process to exit; the driver's messages (the kill) wait in the socket. The freeze
 * lasts the session timeout plus the copy's commit (7-10 s), so both timeouts are pinned here at
 * their defaults (network 120 s, heartbeats every 10 s) rather than left to change under the test.
 * Had Spark declared the executor lost, the Master would have had the Worker kill it: a dead
 * executor, which {@code ExecutorKilledHoldingPartitionLockIT} covers, not a zombie. The test
 * checks that both executors are still registered after the resume.
 */
@ExtendWith(SharedCluster.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PartitionCommitSpeculationIT {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionCommitSpeculationIT.class);
    private static final Path SCRATCH = SharedCluster.scratch("speculation");
    private static final int PARTITIONS = 4;
    private static final int STRAGGLER = 0;
    private static final List<Integer> ROWS = IntStream.range(0, 40).boxed().toList();
    private static final List<Integer> STRAGGLER_ROWS = ROWS.subList(0, ROWS.size() / PARTITIONS);
    private static final String ORIGINAL = FencedPartitionWriter.name(STRAGGLER, 0);
    private static final String COPY = FencedPartitionWriter.name(STRAGGLER, 1);
    /** Only bounds a hang: the copy starts within a second or two, the go comes within seconds. */
    private static final Duration WAIT_BOUND = Duration.ofSeconds(60);
    /** Longer than the session timeout: the zombie's copy outwaits the frozen holder's session. */
    private static final Duration LOCK_WAIT = Duration.ofSeconds(60);

    private static SharedCluster.Fixture shared;
    private static SparkStandaloneCluster cluster;
    private static SparkSession spark;
    private static PortableSettings zkSettings;
    private static ToolkitClient zk;

    @BeforeAll
    static void startDriver(SharedCluster.Fixture fixture) {
        long started = System.nanoTime();
        shared = fixture;
        cluster = fixture.cluster();
        SparkConf conf = fixture.driverConf("partition-commits-under-speculation")
                .set("spark.speculation", "true")
                .set("spark.speculation.interval", "100ms")
                .set("spark.speculation.quantile", "0.5")
                .set("spark.speculation.multiplier", "2")
                .set("spark.speculation.minTaskRuntime", "500ms")
                .set("spark.speculation.efficiency.enabled", "false")
                // Keep a frozen executor registered through the freeze (see the class comment).
                .set("spark.network.timeout", "120s")
                .set("spark.executor.heartbeatInterval", "10s");
        spark = fixture.startDriver(conf);
        zkSettings = fixture.zkSettings("speculation-it", "6s");
        zk = ToolkitClient.open(zkSettings.toSettings());
        LOG.info("Driver ready in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @AfterAll
    static void stopDriver() throws Exception {
        if (shared != null) {
            shared.stop(spark, SCRATCH, zk);
        }
    }

    @Test
    @Order(1)
    void everyPartitionIsPublishedOnceThoughASpeculativeCopyOfTheStragglerRan() throws Exception {
        Path folder = Files.createDirectories(SCRATCH.resolve("race-with-commits"));
        PartitionCommits commits = PartitionCommits.forRun(zkSettings, "race", spark.sparkContext().applicationId());
        TaskLaunches launches = new TaskLaunches();
        runToTheEnd(launches, writer(commits, folder, Straggle.RACE));
        TaskLaunches.Launch copy = assertSpeculativeCopyRan(launches);

        assertOnceEach(folder);
        Map<String, String> original = outcome(folder, ORIGINAL);
        Map<String, String> copied = outcome(folder, COPY);
        assertThat(List.of(original.get("outcome"), copied.get("outcome")))
                .containsExactlyInAnyOrder("COMMITTED", "ALREADY_COMMITTED");
        CommitMarker winner = commits.markers().get(STRAGGLER);
        String loser = Files.readString(SpeculatedPartitionWriter.outcomes(folder)
                .resolve(FencedPartitionWriter.name(STRAGGLER, 1 - winner.attempt().attemptNumber())));
        assertThat(loser).contains("already committed by attempt " + winner.attempt().attemptNumber()
                + " (TID " + winner.attempt().taskAttemptId()).contains("token " + winner.token());
        assertThat(publishedFiles(folder).get(STRAGGLER)).containsExactly("part-0-attempt-" + winner.attempt().attemptNumber());
        // Each decision went through ZooKeeper from its own executor JVM, with its own shared client.
        assertThat(List.of(original.get("executor"), copied.get("executor")))
                .containsExactly(launches.of(STRAGGLER).get(0).executorId(), copy.executorId());
        assertThat(original.get("pid")).isNotEqualTo(copied.get("pid"));
        assertThat(commits.markers()).hasSize(PARTITIONS);
        commits.clear();
    }

    @Test
    @Order(2)
    void withoutCommitsARacingCopyPublishesTheStragglerTwice() throws Exception {
        Path folder = Files.createDirectories(SCRATCH.resolve("race-without-commits"));
        TaskLaunches launches = new TaskLaunches();
        runToTheEnd(launches, writer(null, folder, Straggle.RACE));
        assertSpeculativeCopyRan(launches);

        assertThat(publishedFiles(folder).get(STRAGGLER)).containsExactly("part-0-attempt-0", "part-0-attempt-1");
        assertThat(publishedRows(folder)).containsExactlyInAnyOrderElementsOf(withStragglerTwice());
    }

    @Test
    @Order(3)
    void aFrozenHoldersLateCommitIsRefusedAfterItsSpeculativeCopyCommittedWithAHigherToken() throws Exception {
        Path folder = Files.createDirectories(SCRATCH.resolve("zombie-with-commits"));
        PartitionCommits commits = PartitionCommits.forRun(zkSettings, "zombie", spark.sparkContext().applicationId());
        ZombieRun run = runWithAZombie(folder, commits);

        Map<String, String> zombie = outcome(folder, ORIGINAL);
        Map<String, String> copy = outcome(folder, COPY);
        long zombieToken = Long.parseLong(run.holding().get("token"));
        long copyToken = Long.parseLong(copy.get("token"));
        // The copy met the frozen holder's lock, outwaited its session and committed with a higher token.
        Map<String, String> seen = SpeculatedPartitionWriter.fields(
                Files.readString(SpeculatedPartitionWriter.seen(folder).resolve(COPY)));
        assertThat(seen).containsEntry("pid", Long.toString(run.pid())).containsEntry("token", Long.toString(zombieToken));
        assertThat(copy.get("outcome")).isEqualTo("COMMITTED");
        assertThat(copyToken).as("the copy's fencing token").isGreaterThan(zombieToken);
        CommitMarker marker = commits.marker(Integer.parseInt(run.holding().get("stage")), STRAGGLER).orElseThrow();
        assertThat(marker.attempt().attemptNumber()).isEqualTo(1);
        assertThat(marker.token()).isEqualTo(copyToken);

        // The zombie, resumed and told by Spark to stop, committed anyway: refused, and it saw why.
        assertThat(zombie).containsEntry("outcome", "REFUSED").containsEntry("token", Long.toString(zombieToken))
                .containsEntry("pid", Long.toString(run.pid())).containsEntry("killedBySpark", "true");
        assertThat(run.zombieDecision()).contains("LockLostException").contains("token " + zombieToken);
        assertThat(Files.exists(folder.resolve("staging").resolve(ORIGINAL))).as("the zombie's staged output, discarded").isFalse();

        assertOnceEach(folder);
        assertThat(publishedFiles(folder).get(STRAGGLER)).containsExactly("part-0-attempt-1");
        assertThat(commits.markers()).hasSize(PARTITIONS);
        commits.clear();
    }

    @Test
    @Order(4)
    void withoutCommitsAFrozenAttemptsLateWriteLandsBesideItsCopys() throws Exception {
        Path folder = Files.createDirectories(SCRATCH.resolve("zombie-without-commits"));
        runWithAZombie(folder, null);

        assertThat(outcome(folder, ORIGINAL)).containsEntry("outcome", "PUBLISHED").containsEntry("killedBySpark", "true");
        assertThat(publishedFiles(folder).get(STRAGGLER)).containsExactly("part-0-attempt-0", "part-0-attempt-1");
        assertThat(publishedRows(folder)).containsExactlyInAnyOrderElementsOf(withStragglerTwice());
    }

    /** What a zombie run left for the assertions: the zombie's executor pid, its holding signal and its decision. */
    private record ZombieRun(long pid, Map<String, String> holding, String zombieDecision) {
    }

    /**
     * Runs the job with a zombie straggler: waits until the original holds the partition (its lock,
     * with commits) and the copy has started, freezes the original's executor, lets the job end,
     * resumes the executor and waits for the zombie's late decision and its task's end.
     */
    private ZombieRun runWithAZombie(Path folder, PartitionCommits commits) throws Exception {
        SparkContext sc = spark.sparkContext();
        TaskLaunches launches = new TaskLaunches();
        sc.addSparkListener(launches);
        Path holdingSignal = SpeculatedPartitionWriter.holding(folder).resolve(ORIGINAL);
        // With commits, the copy records the holder it met before it waits for the lock: wait for that,
        // so that the freeze (and the session timeout it starts) surely comes after.
        Path copyStarted = (commits == null ? SpeculatedPartitionWriter.started(folder)
                : SpeculatedPartitionWriter.seen(folder)).resolve(COPY);
        Long paused = null;
        try {
            JavaFutureAction<Void> job = JavaSparkContext.fromSparkContext(sc).parallelize(ROWS, PARTITIONS)
                    .foreachPartitionAsync(writer(commits, folder, Straggle.ZOMBIE));
            ExecutorKilledHoldingPartitionLockIT.await(Duration.ofSeconds(60), "the original holding and its copy under way",
                    launches::toString, () -> Files.exists(holdingSignal) && Files.exists(copyStarted));
            Map<String, String> holding = SpeculatedPartitionWriter.fields(Files.readString(holdingSignal));
            long pid = Long.parseLong(holding.get("pid"));
            if (commits != null) {
                String lockPath = FencedPartitionWriter.lockPath(commits, Integer.parseInt(holding.get("stage")), STRAGGLER);
                assertThat(new LockInspector(zk).lock(lockPath)).as("holder of %s", lockPath)
                        .hasValueSatisfying(l -> assertThat(l.holder().pid()).isEqualTo(pid));
            }

            cluster.pauseExecutor(pid);
            paused = pid;
            long pausedAt = System.nanoTime();
            job.get(120, TimeUnit.SECONDS);
            LOG.info("Job ended {} ms after executor {} froze", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pausedAt), pid);
            assertThat(SpeculatedPartitionWriter.outcomes(folder).resolve(ORIGINAL)).as("a decision of the frozen attempt")
                    .doesNotExist();

            resume(folder, paused);
            paused = null;
            Path zombieOutcome = SpeculatedPartitionWriter.outcomes(folder).resolve(ORIGINAL);
            ExecutorKilledHoldingPartitionLockIT.await(Duration.ofSeconds(60), "the zombie's late decision",
                    launches::toString, () -> Files.exists(zombieOutcome));
            ExecutorKilledHoldingPartitionLockIT.await(Duration.ofSeconds(30), "the zombie's task end",
                    launches::toString, () -> launches.endsOf(STRAGGLER).size() >= 2);
            assertSpeculativeCopyRan(launches);
            String decision = Files.readString(zombieOutcome);
            LOG.info("Zombie's late decision: {}; {}", decision, launches);
            assertThat(cluster.executor(pid).isAlive()).isTrue();
            assertThat(sc.statusTracker().getExecutorInfos()).as("driver and both executors still registered").hasSize(3);
            return new ZombieRun(pid, holding, decision);
        } finally {
            if (paused != null) {
                resume(folder, paused);
            }
            sc.removeSparkListener(launches);
        }
    }

    /** Lets the zombie go, then resumes its executor: it finds the go on its first look. */
    private static void resume(Path folder, long pid) throws IOException {
        FencedPartitionWriter.write(SpeculatedPartitionWriter.go(folder).resolve(ORIGINAL), "go");
        cluster.resumeExecutor(pid);
    }

    private static void runToTheEnd(TaskLaunches launches, SpeculatedPartitionWriter writer) {
        SparkContext sc = spark.sparkContext();
        sc.addSparkListener(launches);
        try {
            long started = System.nanoTime();
            JavaSparkContext.fromSparkContext(sc).parallelize(ROWS, PARTITIONS).foreachPartition(writer);
            LOG.info("Job ran in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            // Listener events arrive asynchronously; the job has ended, so they are on their way.
            ExecutorKilledHoldingPartitionLockIT.await(Duration.ofSeconds(10), "both ends of the straggler",
                    launches::toString, () -> launches.endsOf(STRAGGLER).size() >= 2);
        } finally {
            sc.removeSparkListener(launches);
        }
    }

    private static SpeculatedPartitionWriter writer(PartitionCommits commits, Path folder, Straggle straggle) {
        return new SpeculatedPartitionWriter(commits, folder, STRAGGLER, straggle, WAIT_BOUND, LOCK_WAIT);
    }

    /** The straggler's copy, which must have been launched as speculative, on the other host. */
    private static TaskLaunches.Launch assertSpeculativeCopyRan(TaskLaunches launches) {
        List<TaskLaunches.Launch> ofStraggler = launches.of(STRAGGLER);
        assertThat(ofStraggler).as("launches of partition %d (%s)", STRAGGLER, launches).hasSize(2);
        TaskLaunches.Launch original = ofStraggler.get(0);
        TaskLaunches.Launch copy = ofStraggler.get(1);
        assertThat(original.speculative()).isFalse();
        assertThat(copy.speculative()).as("second launch is a speculative copy").isTrue();
        assertThat(copy.attemptNumber()).isEqualTo(1);
        assertThat(copy.host()).isNotEqualTo(original.host());
        return copy;
    }

    /** One file per partition, every row exactly once. */
    private static void assertOnceEach(Path folder) throws IOException {
        assertThat(publishedFiles(folder)).as("published files by partition").containsOnlyKeys(0, 1, 2, 3)
                .allSatisfy((partition, files) -> assertThat(files).hasSize(1));
        assertThat(publishedRows(folder)).as("every row exactly once").containsExactlyInAnyOrderElementsOf(ROWS);
    }

    private static List<Integer> withStragglerTwice() {
        List<Integer> rows = new ArrayList<>(ROWS);
        rows.addAll(STRAGGLER_ROWS);
        return rows;
    }

    private static Map<String, String> outcome(Path folder, String name) throws IOException {
        return SpeculatedPartitionWriter.fields(Files.readString(SpeculatedPartitionWriter.outcomes(folder).resolve(name)));
    }

    /** File names in the output folder, by partition. */
    private static Map<Integer, List<String>> publishedFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(SpeculatedPartitionWriter.output(folder))) {
            return files.map(f -> f.getFileName().toString()).sorted().collect(Collectors.groupingBy(
                    name -> Integer.parseInt(name.split("-")[1]), TreeMap::new, Collectors.toList()));
        }
    }

    private static List<Integer> publishedRows(Path folder) throws IOException {
        List<Integer> rows = new ArrayList<>();
        try (Stream<Path> files = Files.list(SpeculatedPartitionWriter.output(folder))) {
            for (Path file : files.toList()) {
                Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(Integer::valueOf).forEach(rows::add);
            }
        }
        return rows;
    }
}
