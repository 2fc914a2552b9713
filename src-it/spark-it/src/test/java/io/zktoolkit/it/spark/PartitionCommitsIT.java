package io.zktoolkit.it.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.it.harness.FreePorts;
import io.zktoolkit.it.harness.InJvmQuorum;
import io.zktoolkit.locks.spark.CommitMarker;
import io.zktoolkit.locks.spark.CommitResult;
import io.zktoolkit.locks.spark.PartitionCommits;
import io.zktoolkit.locks.spark.PartitionLock;
import io.zktoolkit.locks.spark.PortableSettings;
import io.zktoolkit.locks.spark.SparkJobGuard;
import io.zktoolkit.locks.spark.TaskAttempt;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Partition commits in a real local Spark driver ({@code local[2,3]}: 2 cores, a task may fail
 * 3 times, so Spark retries failed tasks with higher attempt numbers) against a real 3-server
 * quorum. Speculation, which local mode never does, is {@link PartitionCommitSpeculationIT}'s.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PartitionCommitsIT {
    private static final int PARTITIONS = 9;

    private static InJvmQuorum quorum;
    private static ToolkitClient zk;
    private static SparkSession spark;
    private static SparkContext sc;

    @BeforeAll
    static void start() {
        quorum = SparkIt.startQuorum();
        zk = SparkIt.connect(quorum);
        SparkConf conf = new SparkConf(false).setAppName("partition-commits-it");
        SparkIt.LOCAL_DRIVER.forEach(conf::set);
        conf.setMaster("local[2,3]");
        spark = SparkSession.builder().config(conf).getOrCreate();
        sc = spark.sparkContext();
    }

    @AfterAll
    static void stop() throws Exception {
        if (spark != null) {
            spark.stop();
        }
        if (zk != null) {
            zk.close();
        }
        if (quorum != null) {
            quorum.close();
        }
    }

    @Test
    void aGuardedRunCommitsEachPartitionOnceThroughTaskRetriesAndLeavesNoMarkers() throws Exception {
        SparkJobGuard guard = SparkJobGuard.builder(zk, sc).name("retried-orders").build();
        List<String> decisions = guard.run(() -> {
            PartitionCommits commits = guard.partitionCommits();
            JavaRDD<Integer> rows = JavaSparkContext.fromSparkContext(sc)
                    .parallelize(IntStream.range(0, PARTITIONS).boxed().toList(), PARTITIONS);
            List<String> results = rows.mapPartitions(partition -> {
                TaskAttempt me = TaskAttempt.current();
                boolean firstAttempt = me.attemptNumber() == 0;
                if (firstAttempt && me.partitionId() % 3 == 0) {
                    throw new IllegalStateException("attempt 0 fails before it commits");
                }
                try (PartitionLock lock = commits.lockCurrentPartition(Duration.ofSeconds(30))) {
                    CommitResult result = lock.commit();
                    if (firstAttempt && me.partitionId() % 3 == 1) {
                        throw new IllegalStateException("attempt 0 fails after it committed");
                    }
                    return List.of(me.partitionId() + " " + result).iterator();
                }
            }).collect();

            List<CommitMarker> markers = commits.markers();
            assertThat(markers).extracting(m -> m.attempt().partitionId())
                    .containsExactlyElementsOf(IntStream.range(0, PARTITIONS).boxed().toList());
            for (CommitMarker marker : markers) {
                int partition = marker.attempt().partitionId();
                assertThat(marker.attempt().attemptNumber()).as("winner of partition %d", partition)
                        .isEqualTo(partition % 3 == 0 ? 1 : 0);
            }
            assertThat(zk.curator().checkExists().forPath("/commits/spark/retried-orders/run-" + guard.token())).isNotNull();
            return results;
        });

        assertThat(decisions).hasSize(PARTITIONS).allSatisfy(decision -> {
            int partition = Integer.parseInt(decision.substring(0, decision.indexOf(' ')));
            switch (partition % 3) {
                case 0 -> assertThat(decision).contains("partition " + partition + " of stage").contains("committed by attempt 1");
                case 1 -> assertThat(decision).contains("attempt 1 of partition " + partition)
                        .contains("was already committed by attempt 0").contains("discard this attempt's output");
                default -> assertThat(decision).contains("committed by attempt 0");
            }
        });
        // The guard deleted the run's markers when it closed.
        assertThat(zk.curator().getChildren().forPath("/commits/spark/retried-orders")).isEmpty();
    }

    @Test
    void tasksFailFastNamingAnUnreachableEnsembleAndNoLogLineOrErrorShowsTheSecret() {
        String nowhere = "127.0.0.1:" + FreePorts.next();
        PartitionCommits commits = PartitionCommits.forRun(PortableSettings.of(Map.of(
                "zk.connect", nowhere,
                "zk.connection.timeout", "1s",
                "zk.auth.digest", "etl:hunter2")), "unreachable", sc.applicationId());
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        long started = System.nanoTime();
        try {
            assertThatThrownBy(() -> JavaSparkContext.fromSparkContext(sc).parallelize(List.of(1, 2, 3, 4), 2)
                    .foreachPartition(rows -> {
                        try (PartitionLock lock = commits.lockCurrentPartition(Duration.ofSeconds(30))) {
                            lock.commit();
                        }
                    }))
                    .isInstanceOf(SparkException.class)
                    .hasMessageContaining("Could not connect to ZooKeeper at " + nowhere + " within 1000 ms")
                    .hasMessageNotContaining("hunter2");
        } finally {
            root.detachAppender(logs);
        }
        // 3 attempts of a task, each giving up after the 1 s connection timeout.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        assertThat(logs.list).as("log events during the job").isNotEmpty().allSatisfy(event -> assertThat(
                event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                        : ThrowableProxyUtil.asString(event.getThrowableProxy()))).doesNotContain("hunter2"));
        assertThat(commits.toString()).contains("zk.auth.digest=******").doesNotContain("hunter2");
    }
}
