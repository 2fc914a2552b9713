package io.zktoolkit.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.it.harness.InJvmQuorum;
import io.zktoolkit.locks.spark.CommitMarker;
import io.zktoolkit.locks.spark.PartitionCommits;
import io.zktoolkit.locks.spark.PortableSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Partition commits under real speculation: a job whose straggling partition gets a speculative
 * copy from Spark's own scheduler publishes every partition exactly once with
 * {@link PartitionCommits}, and publishes the straggler's twice without.
 *
 * <p><b>Where the duplicate attempts come from.</b> Spark 4.0.4 never speculates in
 * {@code local[N]}: {@code TaskSchedulerImpl.start()} schedules its speculation check only when
 * {@code !isLocal} ({@link LocalModeNeverSpeculatesIT} shows it with a real run). A custom
 * {@code ExternalClusterManager} building a non-local {@code TaskSchedulerImpl} over
 * {@code LocalSchedulerBackend} would start the check, but its single executor has one host, and
 * {@code TaskSetManager} never puts a speculative copy on a host that already runs an attempt
 * ({@code hasAttemptOnHost}); {@code local-cluster[...]} has the same single host. So this test
 * runs a real standalone cluster ({@link StandaloneSparkCluster}): a Master and two Workers in
 * their own JVMs on 127.0.0.2 and 127.0.0.3, executors as further JVMs, the test JVM as driver,
 * and speculation as Spark decides it (interval 100 ms, quantile 0.5, multiplier 2). Each
 * executor JVM opens its own shared ZooKeeper client, as on a real cluster.
 *
 * <p>The test fails when no speculative attempt ran: the driver's listener must have seen a
 * launch with {@code taskInfo.speculative} for the straggler, on the other host.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PartitionCommitSpeculationIT {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionCommitSpeculationIT.class);
    private static final int PARTITIONS = 4;
    private static final int STRAGGLER = 0;
    private static final List<Integer> ROWS = IntStream.range(0, 40).boxed().toList();
    private static final Path WORK = Path.of("target", "speculation").toAbsolutePath();
    /** Only bounds a hang: the copy usually starts within a second or two. */
    private static final Duration WAIT_FOR_COPY = Duration.ofSeconds(45);

    private static InJvmQuorum quorum;
    private static ToolkitClient zk;
    private static StandaloneSparkCluster cluster;
    private static SparkSession spark;

    @BeforeAll
    static void startClusterAndDriver() throws Exception {
        deleteRecursively(WORK);
        quorum = SparkIt.startQuorum();
        zk = SparkIt.connect(quorum);
        long started = System.nanoTime();
        cluster = StandaloneSparkCluster.start(WORK.resolve("cluster"), 2);
        SparkConf conf = new SparkConf(false).setAppName("partition-commits-under-speculation");
        cluster.driverConf().forEach(conf::set);
        conf.set("spark.speculation", "true")
                .set("spark.speculation.interval", "100ms")
                .set("spark.speculation.quantile", "0.5")
                .set("spark.speculation.multiplier", "2")
                .set("spark.speculation.minTaskRuntime", "500ms")
                // Judge the straggler by its run time alone: it reads no input, so its "processing rate" says nothing.
                .set("spark.speculation.efficiency.enabled", "false");
        spark = SparkSession.builder().config(conf).getOrCreate();
        SparkContext sc = spark.sparkContext();
        // With one core per executor, a job started before both registered could run every task on one host.
        SparkIt.await(Duration.ofSeconds(90), "2 executors registered", () -> List.of(sc.statusTracker().getExecutorInfos()).toString(),
                () -> sc.statusTracker().getExecutorInfos().length >= 3);
        LOG.info("Standalone cluster and driver ready in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (spark != null) {
            spark.stop();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (zk != null) {
            zk.close();
        }
        if (quorum != null) {
            quorum.close();
        }
    }

    @Test
    void everyPartitionIsPublishedOnceThoughASpeculativeCopyOfTheStragglerRan() throws Exception {
        Path folder = Files.createDirectories(WORK.resolve("with-commits"));
        PartitionCommits commits = PartitionCommits.forRun(PortableSettings.of(zk), "speculated",
                spark.sparkContext().applicationId());
        TaskAttemptRecorder attempts = runJob(new StagedPartitionWriter(commits, folder, STRAGGLER, WAIT_FOR_COPY));

        TaskAttemptRecorder.Launch copy = assertSpeculativeCopyRan(attempts);

        Map<Integer, List<String>> published = publishedFiles(folder);
        assertThat(published).as("published files by partition").containsOnlyKeys(0, 1, 2, 3)
                .allSatisfy((partition, files) -> assertThat(files).hasSize(1));
        assertThat(publishedRows(folder)).as("every row exactly once").containsExactlyInAnyOrderElementsOf(ROWS);

        List<String> decisions = outcomesOf(folder, STRAGGLER);
        assertThat(decisions).hasSize(2);
        assertThat(decisions).filteredOn(d -> d.contains(": COMMITTED: ")).hasSize(1);
        String loser = decisions.stream().filter(d -> d.contains(": ALREADY_COMMITTED: ")).findFirst().orElseThrow(
                () -> new AssertionError("no attempt of the straggler was refused: " + decisions));

        List<CommitMarker> markers = commits.markers();
        assertThat(markers).extracting(m -> m.attempt().partitionId()).containsExactly(0, 1, 2, 3);
        CommitMarker winner = markers.get(STRAGGLER);
        assertThat(loser).contains("already committed by attempt " + winner.attempt().attemptNumber()
                + " (TID " + winner.attempt().taskAttemptId()).contains("token " + winner.token());
        assertThat(published.get(STRAGGLER)).containsExactly("part-0-attempt-" + winner.attempt().attemptNumber());
        // Each decision went through ZooKeeper from its own executor JVM, with its own shared client.
        String originalExecutor = attempts.launchesOf(STRAGGLER).get(0).executorId();
        assertThat(decisions).extracting(d -> d.substring(0, d.indexOf(':')))
                .containsExactlyInAnyOrder("executor " + originalExecutor, "executor " + copy.executorId());
        LOG.info("Straggler's decisions: {}; markers: {}", decisions, markers);

        commits.clear();
        assertThat(commits.markers()).isEmpty();
    }

    @Test
    void withoutCommitsTheStragglersOutputIsPublishedTwice() throws Exception {
        Path folder = Files.createDirectories(WORK.resolve("without-commits"));
        TaskAttemptRecorder attempts = runJob(new StagedPartitionWriter(null, folder, STRAGGLER, WAIT_FOR_COPY));

        assertSpeculativeCopyRan(attempts);

        Map<Integer, List<String>> published = publishedFiles(folder);
        assertThat(published.get(STRAGGLER)).as("the straggler's files").hasSize(2);
        List<Integer> stragglerRows = ROWS.subList(0, ROWS.size() / PARTITIONS);
        List<Integer> expectedWithDuplicates = new ArrayList<>(ROWS);
        expectedWithDuplicates.addAll(stragglerRows);
        assertThat(publishedRows(folder)).containsExactlyInAnyOrderElementsOf(expectedWithDuplicates);
    }

    private static TaskAttemptRecorder runJob(StagedPartitionWriter writer) throws InterruptedException {
        SparkContext sc = spark.sparkContext();
        TaskAttemptRecorder attempts = new TaskAttemptRecorder();
        sc.addSparkListener(attempts);
        try {
            JavaRDD<Integer> rdd = JavaSparkContext.fromSparkContext(sc).parallelize(ROWS, PARTITIONS);
            long started = System.nanoTime();
            rdd.foreachPartition(writer);
            LOG.info("Job ran in {} ms; attempts {}; ends {}", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    attempts.launches(), attempts.ends());
            // Listener events arrive asynchronously; the job has ended, so every launch is already on its way.
            SparkIt.await(Duration.ofSeconds(10), "more launches than partitions (a speculative copy)",
                    () -> attempts.launches().toString(),
                    () -> attempts.launches().size() > PARTITIONS);
            return attempts;
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; attempts: " + attempts.launches(), e);
        } finally {
            sc.removeSparkListener(attempts);
        }
    }

    /** The speculative copy of the straggler, which must have run on the other host. */
    private static TaskAttemptRecorder.Launch assertSpeculativeCopyRan(TaskAttemptRecorder attempts) {
        List<TaskAttemptRecorder.Launch> ofStraggler = attempts.launchesOf(STRAGGLER);
        assertThat(ofStraggler).as("launches of partition %d (all launches: %s)", STRAGGLER, attempts.launches())
                .hasSize(2);
        TaskAttemptRecorder.Launch original = ofStraggler.get(0);
        TaskAttemptRecorder.Launch copy = ofStraggler.get(1);
        assertThat(original.speculative()).isFalse();
        assertThat(copy.speculative()).as("second launch is a speculative copy").isTrue();
        assertThat(copy.attemptNumber()).isEqualTo(1);
        assertThat(copy.host()).isNotEqualTo(original.host());
        assertThat(attempts.launches()).filteredOn(TaskAttemptRecorder.Launch::speculative).hasSize(1);
        return copy;
    }

    /** File names in the output folder, by partition. */
    private static Map<Integer, List<String>> publishedFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(StagedPartitionWriter.output(folder))) {
            return files.map(f -> f.getFileName().toString()).sorted().collect(Collectors.groupingBy(
                    name -> Integer.parseInt(name.split("-")[1]), TreeMap::new, Collectors.toList()));
        }
    }

    private static List<Integer> publishedRows(Path folder) throws IOException {
        List<Integer> rows = new ArrayList<>();
        try (Stream<Path> files = Files.list(StagedPartitionWriter.output(folder))) {
            for (Path file : files.toList()) {
                Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(Integer::valueOf).forEach(rows::add);
            }
        }
        return rows;
    }

    private static List<String> outcomesOf(Path folder, int partition) throws IOException {
        try (Stream<Path> files = Files.list(StagedPartitionWriter.outcomes(folder))) {
            List<String> texts = new ArrayList<>();
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("p" + partition + "-a")).toList()) {
                texts.add(Files.readString(file));
            }
            return texts;
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }
}
