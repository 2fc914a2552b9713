package io.zktoolkit.it.sparkcluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * A two-stage Spark job for watching progress on a cluster: {@code mapPartitions} tasks that
 * each take {@code pauseMs} (so that both executors get some), a shuffle, and a sum per key
 * ({@value #KEYS} keys) in the reduce stage. Its functions live here, in the application jar,
 * because executors get no test class.
 *
 * <p>With a victim partition, attempt 0 of that map partition writes {@code holding-p<n>} (its
 * executor's pid and host) into the signal folder and then waits, up to a minute, to be killed
 * with its executor; later attempts run like any other.
 */
public final class TwoStageJob {
    public static final int KEYS = 10;
    public static final int NO_VICTIM = -1;

    private TwoStageJob() {
    }

    /** The expected result: the sum of {@code 0..rows-1} by {@code value % KEYS}. */
    public static List<Tuple2<Integer, Long>> expected(int rows) {
        List<Tuple2<Integer, Long>> sums = new ArrayList<>();
        for (int key = 0; key < KEYS; key++) {
            int k = key;
            sums.add(new Tuple2<>(key, IntStream.range(0, rows).filter(i -> i % KEYS == k).asLongStream().sum()));
        }
        return sums;
    }

    /** Where the victim announces itself. */
    public static Path holdingSignal(Path folder, int partition) {
        return folder.resolve("holding-p" + partition);
    }

    /** Starts the job (one Spark job: sorting here would add a sampling job, so callers sort). */
    public static JavaFutureAction<List<Tuple2<Integer, Long>>> start(JavaSparkContext jsc, int rows, int mapPartitions,
            int reducePartitions, long pauseMs, Path signals, int victimPartition) {
        String folder = signals.toAbsolutePath().toString();
        return jsc.parallelize(IntStream.range(0, rows).boxed().toList(), mapPartitions)
                .mapPartitionsToPair((Iterator<Integer> values) -> {
                    pace(folder, victimPartition, pauseMs);
                    List<Tuple2<Integer, Long>> out = new ArrayList<>();
                    values.forEachRemaining(v -> out.add(new Tuple2<>(v % KEYS, (long) v)));
                    return out.iterator();
                })
                .reduceByKey(Long::sum, reducePartitions)
                .collectAsync();
    }

    private static void pace(String folder, int victimPartition, long pauseMs) throws IOException, InterruptedException {
        TaskContext task = TaskContext.get();
        if (task.partitionId() == victimPartition && task.attemptNumber() == 0) {
            FencedPartitionWriter.write(holdingSignal(Path.of(folder), victimPartition), "pid=" + ProcessHandle.current().pid()
                    + " host=" + SparkEnv.get().blockManager().blockManagerId().host() + " stage=" + task.stageId());
            Thread.sleep(60_000);
        }
        Thread.sleep(pauseMs);
    }
}
