package io.zktoolkit.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Why partition commits under speculation are tested on a standalone cluster (spark-cluster-it's
 * {@code PartitionCommitSpeculationIT}): in {@code local[N]}, Spark 4.0.4 runs no speculative
 * attempt even when every threshold says it should. Its
 * {@code TaskSchedulerImpl} starts the speculation check only when not local. If a later Spark
 * speculates locally, this test fails, and the cluster could give way to {@code local[N]}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalModeNeverSpeculatesIT {
    private static final Duration STRAGGLING = Duration.ofSeconds(5);

    @Test
    void aStragglerTenTimesPastTheThresholdsGetsNoSpeculativeCopy() throws Exception {
        SparkConf conf = new SparkConf(false).setAppName("local-mode-speculation").setMaster("local[2]")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.speculation", "true")
                .set("spark.speculation.interval", "100ms")
                .set("spark.speculation.quantile", "0.5")
                .set("spark.speculation.multiplier", "2")
                .set("spark.speculation.minTaskRuntime", "500ms")
                .set("spark.speculation.efficiency.enabled", "false");
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        try {
            TaskAttemptRecorder attempts = new TaskAttemptRecorder();
            spark.sparkContext().addSparkListener(attempts);
            long started = System.nanoTime();
            JavaSparkContext.fromSparkContext(spark.sparkContext())
                    .parallelize(IntStream.range(0, 40).boxed().toList(), 4)
                    .foreachPartition(rows -> {
                        if (TaskContext.getPartitionId() == 0) {
                            Thread.sleep(STRAGGLING.toMillis());
                        }
                    });
            Duration ran = Duration.ofNanos(System.nanoTime() - started);

            SparkIt.await(Duration.ofSeconds(10), "4 task ends reported", () -> attempts.ends().toString(),
                    () -> attempts.ends().size() >= 4);
            assertThat(ran).as("the straggler ran well past every speculation threshold").isGreaterThan(STRAGGLING);
            assertThat(attempts.launches()).as("launches in local mode").hasSize(4)
                    .noneMatch(TaskAttemptRecorder.Launch::speculative);
            assertThat(attempts.launchesOf(0)).hasSize(1);
            assertThat(List.of(spark.sparkContext().master())).containsExactly("local[2]");
        } finally {
            spark.stop();
        }
    }
}
