package io.zktoolkit.it.sparkcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.it.harness.ProcessEnsemble;
import io.zktoolkit.it.harness.SparkStandaloneCluster;
import io.zktoolkit.locks.LockInspector;
import io.zktoolkit.locks.spark.CommitMarker;
import io.zktoolkit.locks.spark.PartitionCommits;
import io.zktoolkit.locks.spark.PortableSettings;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
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
 * Partition locks on a real standalone cluster ({@link SparkStandaloneCluster}: Master, two Workers and
 * their executors as separate JVMs) against a 3-server ZooKeeper ensemble of server processes
 * ({@link ProcessEnsemble}). Executors get the toolkit only from the bundle jar in
 * {@code spark.jars}, and each executor JVM opens its own ZooKeeper session.
 *
 * <p>The kill: attempt 0 of partition 0 takes its partition lock and announces it; the test kills
 * that executor's JVM with SIGKILL (no shutdown hook, no session close: its ephemeral lock node
 * stays until the session times out). Spark learns from the Worker that the executor exited and
 * runs the partition again elsewhere; the retry finds the dead holder's lock, waits until the
 * ensemble expires the dead session, and commits with a higher fencing token. The output then has
 * every record exactly once, and nothing of the dead attempt's.
 */
@ExtendWith(SharedCluster.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ExecutorKilledHoldingPartitionLockIT {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorKilledHoldingPartitionLockIT.class);
    private static final Path SCRATCH = SharedCluster.scratch("kill9");
    private static final int PARTITIONS = 4;
    private static final int VICTIM = 0;
    private static final List<Integer> ROWS = IntStream.range(0, 80).boxed().toList();
    /**
     * The executors' session timeout: how long a dead executor's locks outlive it. Long enough
     * that Spark's retry (under a second after the Worker reports the exit) starts while the dead
     * holder's lock still exists; short enough to keep the test quick.
     */
    private static final String SESSION_TIMEOUT = "6s";

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
        zkSettings = fixture.zkSettings("executor-killed-it", SESSION_TIMEOUT);
        zk = ToolkitClient.open(zkSettings.toSettings());
        spark = fixture.startDriver(fixture.driverConf("executor-killed-holding-a-partition-lock"));
        LOG.info("Driver ready in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @AfterAll
    static void stopDriver() throws Exception {
        if (shared != null) {
            shared.stop(spark, SCRATCH, zk);
        }
    }

    /** The harness's promise: executors load the toolkit from the shipped bundle, not from any class path. */
    @Test
    @Order(1)
    void executorsGetTheToolkitOnlyFromTheBundleInSparkJars() throws Exception {
        JavaRDD<Integer> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(ROWS, 2);
        List<String[]> reports = rdd.mapPartitions(new WhereTheToolkitComesFrom(zkSettings, "/where"))
                .collect().stream().map(l -> l.split("\\|")).toList();

        assertThat(reports).hasSize(2);
        assertThat(reports).extracting(r -> r[0]).as("both executors ran a task").doesNotHaveDuplicates();
        long driverPid = ProcessHandle.current().pid();
        for (String[] r : reports) {
            assertThat(Long.parseLong(r[1])).as("executor pid").isNotEqualTo(driverPid);
            assertThat(cluster.executor(Long.parseLong(r[1]))).isNotNull();
            // Only Spark's jars, from the Worker's SPARK_HOME (the launcher expands jars/* into each jar).
            assertThat(r[2].split(File.pathSeparator)).as("executor class path")
                    .allSatisfy(entry -> assertThat(Path.of(entry).toAbsolutePath().normalize()).startsWithRaw(cluster.sparkHome()));
            // Spark fetches spark.jars into the executor's work folder and loads them from there.
            assertThat(r[3]).as("where ToolkitClient was loaded from").contains(shared.folder().toString())
                    .endsWith(".jar").contains("zktoolkit-bundle");
            assertThat(r[4]).as("the bundle's relocated Curator").startsWith("io.zktoolkit.shaded.org.apache.curator.");
        }
        assertThat(zk.curator().getChildren().forPath("/where")).hasSize(2);
    }

    @Test
    @Order(2)
    void anExecutorKilledWhileHoldingAPartitionLockIsOutwaitedAndEveryRecordLandsOnce() throws Exception {
        Path folder = Files.createDirectories(SCRATCH.resolve("kill9"));
        SparkContext sc = spark.sparkContext();
        PartitionCommits commits = PartitionCommits.forRun(zkSettings, "kill9", sc.applicationId());
        FencedPartitionWriter writer = new FencedPartitionWriter(commits, folder, VICTIM, Duration.ofSeconds(60),
                Duration.ofSeconds(60));
        TaskLaunches launches = new TaskLaunches();
        sc.addSparkListener(launches);
        try {
            JavaFutureAction<Void> job = JavaSparkContext.fromSparkContext(sc).parallelize(ROWS, PARTITIONS)
                    .foreachPartitionAsync(writer);

            Path holdingSignal = FencedPartitionWriter.holding(folder).resolve(FencedPartitionWriter.name(VICTIM, 0));
            await(Duration.ofSeconds(60), "the victim holding its lock", launches::toString, () -> Files.exists(holdingSignal));
            Map<String, String> victim = SpeculatedPartitionWriter.fields(Files.readString(holdingSignal));
            long victimPid = Long.parseLong(victim.get("pid"));
            long victimToken = Long.parseLong(victim.get("token"));
            int stage = Integer.parseInt(victim.get("stage"));
            String lockPath = FencedPartitionWriter.lockPath(commits, stage, VICTIM);
            LockInspector.LockInfo held = new LockInspector(zk).lock(lockPath).orElseThrow(
                    () -> new AssertionError("no holder of " + lockPath + " while the victim holds it"));
            assertThat(held.holder().pid()).isEqualTo(victimPid);

            ProcessHandle executor = cluster.executor(victimPid);
            long killedAt = System.nanoTime();
            executor.destroyForcibly();   // SIGKILL, as kill -9
            executor.onExit().get(20, TimeUnit.SECONDS);
            LOG.info("Killed executor pid {} holding {} (token {})", victimPid, lockPath, victimToken);

            job.get(120, TimeUnit.SECONDS);
            // Listener events arrive asynchronously; the job has ended, so they are on their way.
            await(Duration.ofSeconds(10), "both ends of partition " + VICTIM, launches::toString,
                    () -> launches.endsOf(VICTIM).size() >= 2);
            LOG.info("Job finished {} ms after the kill; {}", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt),
                    launches);

            // Spark ran the partition again, on another executor.
            List<TaskLaunches.Launch> ofVictim = launches.of(VICTIM);
            assertThat(ofVictim).as("attempts of partition %d (%s)", VICTIM, launches).hasSizeGreaterThanOrEqualTo(2);
            assertThat(launches.endsOf(VICTIM).get(0).reason()).contains("ExecutorLostFailure");
            TaskLaunches.Launch retry = ofVictim.get(ofVictim.size() - 1);
            assertThat(retry.executorId()).isNotEqualTo(ofVictim.get(0).executorId());

            // The retry met the dead holder's lock, not a free one, and committed after it with a higher token.
            Map<String, String> seen = SpeculatedPartitionWriter.fields(Files.readString(FencedPartitionWriter.seen(folder)
                    .resolve(FencedPartitionWriter.name(VICTIM, retry.attemptNumber()))));
            assertThat(seen.get("pid")).as("holder the retry found").isEqualTo(Long.toString(victimPid));
            CommitMarker marker = commits.marker(stage, VICTIM).orElseThrow();
            assertThat(marker.attempt().attemptNumber()).isEqualTo(retry.attemptNumber());
            assertThat(marker.token()).isGreaterThan(victimToken);

            // Every record exactly once; the dead attempt decided nothing and published nothing.
            assertThat(publishedRows(folder)).containsExactlyInAnyOrderElementsOf(ROWS);
            assertThat(listNames(FencedPartitionWriter.output(folder))).hasSize(PARTITIONS)
                    .contains("part-" + VICTIM + "-attempt-" + retry.attemptNumber())
                    .doesNotContain("part-" + VICTIM + "-attempt-0");
            assertThat(FencedPartitionWriter.outcomes(folder).resolve(FencedPartitionWriter.name(VICTIM, 0))).doesNotExist();
            assertThat(FencedPartitionWriter.staging(folder).resolve(FencedPartitionWriter.name(VICTIM, 0)))
                    .as("the dead attempt's staged output, never published").exists();
            assertThat(commits.markers()).hasSize(PARTITIONS);
            assertThat(new LockInspector(zk).lock(lockPath)).as("lock released").isEmpty();
            commits.clear();
        } finally {
            sc.removeSparkListener(launches);
        }
    }

    private static List<Integer> publishedRows(Path folder) throws IOException {
        List<Integer> rows = new ArrayList<>();
        try (Stream<Path> files = Files.list(FencedPartitionWriter.output(folder))) {
            for (Path file : files.toList()) {
                Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(Integer::valueOf).forEach(rows::add);
            }
        }
        return rows;
    }

    private static List<String> listNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    static void await(Duration deadline, String what, Supplier<String> state, BooleanSupplier done) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("Gave up waiting for " + what + " after " + deadline + ": " + state.get());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting for " + what, e);
            }
        }
    }
}
