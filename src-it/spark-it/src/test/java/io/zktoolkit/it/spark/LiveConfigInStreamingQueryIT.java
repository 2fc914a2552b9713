package io.zktoolkit.it.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.live.ConfigUpdate;
import io.zktoolkit.config.live.LiveConfig;
import io.zktoolkit.config.spark.LiveBatchConfig;
import io.zktoolkit.config.spark.SparkConfFromConfigSet;
import io.zktoolkit.config.spark.SparkConfFromConfigSet.Precedence;
import io.zktoolkit.it.harness.InJvmQuorum;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

/**
 * A running Structured Streaming query whose output depends on a live value: an operator publishes
 * a new value from another client, and the following micro-batches use it with no restart.
 */
@Timeout(value = 100, unit = TimeUnit.SECONDS)
class LiveConfigInStreamingQueryIT {
    private static final String SET = "jobs/rate-scaler";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final int BATCHES_PER_PHASE = 3;

    /** What one micro-batch did: the config version and multiplier it used, and its input and output rows. */
    record BatchResult(long batchId, long version, int multiplier, List<Tuple2<Long, Long>> valueAndScaled) {
        boolean hasRows() {
            return !valueAndScaled.isEmpty();
        }
    }

    @Test
    void aPublishedMultiplierReachesTheNextBatchesWithoutRestart(@TempDir Path checkpoint) throws Exception {
        try (InJvmQuorum quorum = SparkIt.startQuorum();
                ToolkitClient operatorZk = SparkIt.connect(quorum);
                ToolkitClient driverZk = SparkIt.connect(quorum)) {
            ConfigStore operator = ConfigStore.builder(operatorZk).author("operator").build();
            ConfigStore driver = ConfigStore.builder(driverZk).author("driver").build();
            operator.publish(SparkIt.withLocalDriver(ConfigUpdate.on(operator.read(SET)))
                    .set("spark.app.name", "rate-scaler")
                    .set("job.multiplier", "2"));

            SparkSession spark = SparkSession.builder()
                    .config(SparkConfFromConfigSet.apply(driver.read(SET), new SparkConf(), Precedence.CONFIG_SET))
                    .getOrCreate();
            try (LiveConfig live = driver.watch(SET)) {
                assertThatThrownBy(() -> new LiveBatchConfig(live).forBatch(0))
                        .as("a batch on a view not yet started would silently see version 0")
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("LATENT");
                live.start();
                runAndRepublish(spark, live, operator, checkpoint);
            } finally {
                spark.stop();
            }
        }
    }

    private static void runAndRepublish(SparkSession spark, LiveConfig live, ConfigStore operator, Path checkpoint)
            throws Exception {
        SparkContext context = spark.sparkContext();
        String applicationId = context.applicationId();
        LiveBatchConfig config = new LiveBatchConfig(live);
        List<BatchResult> results = new CopyOnWriteArrayList<>();
        // Set before a batch reads its config, so a batch not yet counted here reads it later.
        AtomicLong lastBatchStarted = new AtomicLong(-1);

        VoidFunction2<Dataset<Row>, Long> scale = (batch, batchId) -> {
            lastBatchStarted.set(batchId);
            ConfigSnapshot used = config.forBatch(batchId);
            // The closure below runs in executor tasks: it captures the value, not the snapshot.
            int multiplier = used.getInt("job.multiplier", 1);
            List<Tuple2<Long, Long>> rows = batch.select("value").as(Encoders.LONG())
                    .map((MapFunction<Long, Tuple2<Long, Long>>) v -> new Tuple2<>(v, v * multiplier),
                            Encoders.tuple(Encoders.LONG(), Encoders.LONG()))
                    .collectAsList();
            results.add(new BatchResult(batchId, used.version(), multiplier, List.copyOf(rows)));
        };
        StreamingQuery query = spark.readStream().format("rate").option("rowsPerSecond", "50").load()
                .writeStream()
                .option("checkpointLocation", checkpoint.toString())
                .foreachBatch(scale)
                .start();
        try {
            awaitBatches(query, results, "batches with rows on v1", r -> r.version() == 1);
            List<BatchResult> beforePublish = List.copyOf(results);

            long published = operator.publish(ConfigUpdate.on(operator.read(SET)).set("job.multiplier", "3")
                    .comment("triple the output")).version();
            SparkIt.await(DEADLINE, "the driver's live view to reach v" + published,
                    () -> "v" + live.snapshot().version(), () -> live.snapshot().version() == published);
            long startedBeforeDriverSawIt = lastBatchStarted.get();
            awaitBatches(query, results, "batches with rows after the driver saw v" + published,
                    r -> r.batchId() > startedBeforeDriverSawIt);

            assertThat(query.isActive()).as("query still running").isTrue();
            query.stop();

            assertThat(published).isEqualTo(2);
            assertThat(beforePublish).as("batches finished before the publish").isNotEmpty()
                    .allSatisfy(r -> assertThat(r.version()).isEqualTo(1))
                    .allSatisfy(r -> assertThat(r.multiplier()).isEqualTo(2));
            assertThat(results).filteredOn(r -> r.batchId() > startedBeforeDriverSawIt)
                    .as("batches started after the driver saw v2").hasSizeGreaterThanOrEqualTo(BATCHES_PER_PHASE)
                    .allSatisfy(r -> assertThat(r.version()).isEqualTo(2))
                    .allSatisfy(r -> assertThat(r.multiplier()).isEqualTo(3));
            for (BatchResult r : results) {
                // The output really changed: every row is its input times the multiplier that batch used.
                assertThat(r.valueAndScaled()).as("batch %d", r.batchId())
                        .allSatisfy(row -> assertThat(row._2()).isEqualTo(row._1() * r.multiplier()));
                assertThat(r.multiplier()).isEqualTo(r.version() == 1 ? 2 : 3);
                assertThat(config.versionUsedBy(r.batchId())).hasValue(r.version());
            }
            assertThat(results).extracting(BatchResult::version).isSorted();
            // One query run, one application: batch ids follow each other and the context never restarted.
            assertThat(results).extracting(BatchResult::batchId)
                    .containsExactlyElementsOf(LongStream
                            .rangeClosed(results.get(0).batchId(), results.get(results.size() - 1).batchId())
                            .boxed().toList());
            assertThat(context.isStopped()).isFalse();
            assertThat(spark.sparkContext()).isSameAs(context);
            assertThat(context.applicationId()).isEqualTo(applicationId);
        } finally {
            query.stop();
        }
    }

    /** Waits for {@value #BATCHES_PER_PHASE} batches with rows that match, failing at once if the query died. */
    private static void awaitBatches(StreamingQuery query, List<BatchResult> results, String what,
            Predicate<BatchResult> match) throws InterruptedException {
        SparkIt.await(DEADLINE, BATCHES_PER_PHASE + " " + what, () -> summary(results),
                () -> {
                    if (query.exception().isDefined()) {
                        throw new AssertionError("Streaming query failed", query.exception().get());
                    }
                    return results.stream().filter(BatchResult::hasRows).filter(match).count() >= BATCHES_PER_PHASE;
                });
    }

    private static String summary(List<BatchResult> results) {
        return results.stream().map(r -> "batch " + r.batchId() + " v" + r.version() + " x" + r.multiplier() + " ("
                + r.valueAndScaled().size() + " rows)").collect(Collectors.joining(", ", "[", "]"));
    }
}
