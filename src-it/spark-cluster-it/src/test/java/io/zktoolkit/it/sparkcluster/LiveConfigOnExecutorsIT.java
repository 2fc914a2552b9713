package io.zktoolkit.it.sparkcluster;

import static io.zktoolkit.it.sparkcluster.ExecutorKilledHoldingPartitionLockIT.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.live.ConfigStoreException;
import io.zktoolkit.config.live.ConfigUpdate;
import io.zktoolkit.config.live.LiveConfig;
import io.zktoolkit.config.spark.LiveBatchConfig;
import io.zktoolkit.config.spark.PinnedConfig;
import io.zktoolkit.it.harness.ProcessEnsemble;
import io.zktoolkit.locks.spark.PortableSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live configuration read by the executors of a running Structured Streaming query on a real
 * standalone cluster, each executor through its own ZooKeeper session (the bundle's relocated
 * client), against a 3-server ensemble of server processes.
 *
 * <p>The guarantee under test, as the toolkit gives it: the driver pins one version per
 * micro-batch when the batch starts ({@link LiveBatchConfig#pinForBatch}); every task of that batch,
 * on whichever executor, reads exactly that version ({@link PinnedConfig#read}), even when a new
 * version is published while the batch runs. A published version is used by every batch the
 * driver starts once its live view has it; versions never go backwards from batch to batch.
 * A batch never mixes versions; reading "the latest version" in tasks would (shown here too).
 */
@ExtendWith(SharedCluster.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LiveConfigOnExecutorsIT {
    private static final Logger LOG = LoggerFactory.getLogger(LiveConfigOnExecutorsIT.class);
    private static final Path SCRATCH = SharedCluster.scratch("live-config");
    private static final String SET = "jobs/stream-scaler";
    private static final Set<String> HOSTS = Set.of("127.0.0.2", "127.0.0.3");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int BATCHES_PER_PHASE = 3;

    private static SharedCluster.Fixture shared;
    private static ProcessEnsemble ensemble;
    private static PortableSettings zkSettings;
    private static ToolkitClient operatorZk;
    private static ToolkitClient driverZk;
    private static SparkSession spark;

    /** One task of a batch: where it ran, the version it read and, for contrast, the latest at that moment. */
    record Task(long batchId, int partition, String executor, String host, long pid, long version, int multiplier,
            long latest) {
    }

    /** One micro-batch: the version the driver pinned, its tasks, and its rows (value, scaled). */
    record Batch(long batchId, long pinned, long startedNanos, List<Task> tasks, List<long[]> rows) {
        boolean onBothExecutors() {
            return tasks.stream().map(Task::host).collect(Collectors.toSet()).equals(HOSTS);
        }
    }

    @BeforeAll
    static void startDriver(SharedCluster.Fixture fixture) {
        long started = System.nanoTime();
        shared = fixture;
        ensemble = fixture.ensemble();
        zkSettings = fixture.zkSettings("live-config-it", "10s");
        operatorZk = ToolkitClient.open(zkSettings.toSettings());
        driverZk = ToolkitClient.open(zkSettings.toSettings());
        spark = fixture.startDriver(fixture.driverConf("live-config-on-executors").set("spark.sql.shuffle.partitions", "2"));
        LOG.info("Driver ready in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @AfterAll
    static void stopDriver() throws Exception {
        if (shared != null) {
            shared.stop(spark, SCRATCH, driverZk, operatorZk);
        }
    }

    @Test
    void executorsUseEachPublishedVersionFromTheNextBatchOnNeverMixedWithinABatchAndThroughAServerKill() throws Exception {
        ConfigStore operator = ConfigStore.builder(operatorZk).author("operator").build();
        operator.publish(ConfigUpdate.on(operator.read(SET)).set(PinnedScaler.KEY, "2"));
        Path signals = Files.createDirectories(SCRATCH.resolve("signals"));
        List<Batch> batches = new CopyOnWriteArrayList<>();
        AtomicBoolean holdNext = new AtomicBoolean();
        AtomicLong held = new AtomicLong(-1);
        AtomicLong lastStarted = new AtomicLong(-1);

        try (LiveConfig live = ConfigStore.builder(driverZk).build().watch(SET)) {
            live.start();
            LiveBatchConfig config = new LiveBatchConfig(live);
            // Runs on the driver: pins the batch's version; the tasks (PinnedScaler, in the application jar) read it.
            VoidFunction2<Dataset<Row>, Long> scale = (batch, batchId) -> {
                lastStarted.set(batchId);
                long startedNanos = System.nanoTime();
                boolean hold = holdNext.compareAndSet(true, false);
                if (hold) {
                    held.set(batchId);
                }
                PinnedConfig pinned = config.pinForBatch(batchId);
                List<String> lines = batch.select("value").as(Encoders.LONG()).javaRDD()
                        .mapPartitions(new PinnedScaler(zkSettings, pinned, batchId, signals, hold)).collect();
                batches.add(parse(batchId, pinned.version(), startedNanos, lines));
            };
            StreamingQuery query = spark.readStream().format("rate").option("rowsPerSecond", "40")
                    .option("numPartitions", "2").load()
                    .writeStream()
                    .option("checkpointLocation", SCRATCH.resolve("checkpoint").toString())
                    .trigger(Trigger.ProcessingTime(500))
                    .foreachBatch(scale)
                    .start();
            // The ensemble is shared with the module's other classes: a server killed here is back when this test ends.
            Integer killed = null;
            try {
                awaitBatches(query, batches, "on v1 on both executors", b -> b.pinned() == 1);

                // A publish while a batch runs: partition 0 has read, partition 1 has not yet.
                holdNext.set(true);
                await(WAIT, "the held batch's partition 0 read its config", () -> summary(batches),
                        () -> held.get() >= 0 && Files.exists(PinnedScaler.readSignal(signals, held.get())));
                long v2 = publish(operator, "3");
                Files.writeString(PinnedScaler.releaseSignal(signals, held.get()), Long.toString(v2));
                long publishedAt = System.nanoTime();
                awaitDriverView(live, v2);
                long startedBeforeV2 = lastStarted.get();
                awaitBatches(query, batches, "started after the driver saw v2", b -> b.batchId() > startedBeforeV2);
                logLatency("v2", batches, v2, publishedAt);

                // A ZooKeeper server killed with kill -9 (the leader: every session sees it), then v3.
                int leader = ensemble.leaderIndex().orElseThrow();
                ensemble.kill9(leader);
                killed = leader;
                LOG.info("Killed ZooKeeper leader {}", leader);
                long v3 = publish(operator, "4");
                publishedAt = System.nanoTime();
                awaitDriverView(live, v3);
                long startedBeforeV3 = lastStarted.get();
                awaitBatches(query, batches, "started after the driver saw v3 (a server down)", b -> b.batchId() > startedBeforeV3);
                logLatency("v3", batches, v3, publishedAt);
                assertThat(query.isActive()).as("query still running").isTrue();
                assertThat(query.exception().isDefined()).isFalse();
                query.stop();
                ensemble.restart(leader);
                killed = null;

                List<Batch> done = List.copyOf(batches);
                LOG.info("Batches: {}", summary(done));
                Map<Long, Integer> multiplierOf = Map.of(1L, 2, v2, 3, v3, 4);
                for (Batch b : done) {
                    // One version per batch, the one the driver pinned, on every task whatever its executor.
                    // (A batch without rows, such as the rate source's first, runs no task.)
                    assertThat(b.tasks().isEmpty()).as("batch %d without tasks", b.batchId()).isEqualTo(b.rows().isEmpty());
                    assertThat(b.tasks()).as("batch %d", b.batchId())
                            .allSatisfy(t -> assertThat(t.version()).isEqualTo(b.pinned()))
                            .allSatisfy(t -> assertThat(t.multiplier()).isEqualTo(multiplierOf.get(b.pinned())))
                            .allSatisfy(t -> assertThat(t.host()).isIn(HOSTS));
                    assertThat(b.rows()).as("batch %d rows", b.batchId())
                            .allSatisfy(r -> assertThat(r[1]).isEqualTo(r[0] * multiplierOf.get(b.pinned())));
                    assertThat(config.versionUsedBy(b.batchId())).hasValue(b.pinned());
                }
                assertThat(done).extracting(Batch::pinned).as("versions never go backwards").isSorted();
                assertThat(done).extracting(Batch::batchId).as("one query run: no batch lost or repeated")
                        .containsExactlyElementsOf(LongStream.rangeClosed(done.get(0).batchId(),
                                done.get(done.size() - 1).batchId()).boxed().toList());
                assertThat(done).filteredOn(b -> b.batchId() > startedBeforeV2 && b.batchId() <= startedBeforeV3)
                        .isNotEmpty().allSatisfy(b -> assertThat(b.pinned()).isEqualTo(v2));
                assertThat(done).filteredOn(b -> b.batchId() > startedBeforeV3).hasSizeGreaterThanOrEqualTo(BATCHES_PER_PHASE)
                        .allSatisfy(b -> assertThat(b.pinned()).isEqualTo(v3));

                // The held batch: pinned to v1 on both tasks although v2 was published between their reads;
                // the latest version at each task's read differed, so unpinned reads would have mixed.
                Batch heldBatch = done.stream().filter(b -> b.batchId() == held.get()).findFirst().orElseThrow();
                assertThat(heldBatch.pinned()).isEqualTo(1);
                assertThat(heldBatch.tasks()).hasSize(2).allSatisfy(t -> assertThat(t.version()).isEqualTo(1));
                assertThat(heldBatch.tasks()).extracting(Task::latest).as("latest version at each task's read")
                        .containsExactlyInAnyOrder(1L, v2);
                assertThat(heldBatch.onBothExecutors()).as("the held batch's two tasks ran side by side").isTrue();
            } finally {
                query.stop();
                if (killed != null) {
                    ensemble.restart(killed);
                }
            }
        }
        assertThat(spark.sparkContext().isStopped()).isFalse();
    }

    /** Publishes a multiplier; retried while the ensemble elects a leader, without publishing twice. */
    private static long publish(ConfigStore operator, String multiplier) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (true) {
            ConfigSnapshot current = operator.read(SET);
            if (current.find(PinnedScaler.KEY).filter(multiplier::equals).isPresent()) {
                return current.version(); // an earlier attempt landed though its reply was lost
            }
            try {
                long version = operator.publish(ConfigUpdate.on(current).set(PinnedScaler.KEY, multiplier)).version();
                LOG.info("Published v{}: {}={}", version, PinnedScaler.KEY, multiplier);
                return version;
            } catch (ConfigStoreException e) {
                if (System.nanoTime() - end > 0) {
                    throw e;
                }
                LOG.info("Publish retried: {}", e.toString());
            }
        }
    }

    private static void awaitDriverView(LiveConfig live, long version) {
        await(WAIT, "the driver's live view at v" + version, () -> "v" + live.snapshot().version(),
                () -> live.snapshot().version() >= version);
    }

    /** Waits for {@value #BATCHES_PER_PHASE} matching batches, at least one of them on both executors. */
    private static void awaitBatches(StreamingQuery query, List<Batch> batches, String what, Predicate<Batch> match) {
        await(WAIT, BATCHES_PER_PHASE + " batches " + what, () -> summary(batches), () -> {
            if (query.exception().isDefined()) {
                throw new AssertionError("Streaming query failed", query.exception().get());
            }
            List<Batch> matching = batches.stream().filter(match).filter(b -> !b.rows().isEmpty()).toList();
            return matching.size() >= BATCHES_PER_PHASE && matching.stream().anyMatch(Batch::onBothExecutors);
        });
    }

    /** How long from a publish until the first batch that used it on both executors had finished (logged only). */
    private static void logLatency(String what, List<Batch> batches, long version, long publishedAt) {
        batches.stream().filter(b -> b.pinned() == version && b.onBothExecutors()).findFirst().ifPresent(b -> LOG.info(
                "{}: batch {} started {} ms after the publish and used it on both executors", what, b.batchId(),
                TimeUnit.NANOSECONDS.toMillis(b.startedNanos() - publishedAt)));
    }

    private static Batch parse(long batchId, long pinned, long startedNanos, List<String> lines) {
        List<Task> tasks = new ArrayList<>();
        List<long[]> rows = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split("\\|");
            if (f[0].equals("T")) {
                tasks.add(new Task(Long.parseLong(f[1]), Integer.parseInt(f[2]), f[3], f[4], Long.parseLong(f[5]),
                        Long.parseLong(f[6]), Integer.parseInt(f[7]), Long.parseLong(f[8])));
            } else {
                rows.add(new long[] {Long.parseLong(f[3]), Long.parseLong(f[4])});
            }
        }
        return new Batch(batchId, pinned, startedNanos, tasks, rows);
    }

    private static String summary(List<Batch> batches) {
        return batches.stream().map(b -> "batch " + b.batchId() + " v" + b.pinned() + " " + b.tasks().stream()
                .map(t -> t.host() + ":v" + t.version() + "/latest v" + t.latest()).toList() + " (" + b.rows().size() + " rows)")
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
