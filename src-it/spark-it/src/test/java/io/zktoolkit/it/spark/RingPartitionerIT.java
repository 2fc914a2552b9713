package io.zktoolkit.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.discovery.spark.RingPartitioner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.HashPartitioner;
import org.apache.spark.Partitioner;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import scala.Tuple2;

/**
 * {@link RingPartitioner} in a real local Spark job: a shuffle by the ring partitioner puts each
 * key where {@code getPartition} says, and growing the partition count by one moves about
 * 1/(n + 1) of the keys, all to the new partition, where Spark's HashPartitioner moves most.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RingPartitionerIT {
    private static final int KEYS = 50_000;
    private static JavaSparkContext spark;

    @BeforeAll
    static void start() {
        SparkConf conf = new SparkConf().setAppName("ring-partitioner-it");
        SparkIt.LOCAL_DRIVER.forEach(conf::set);
        spark = new JavaSparkContext(conf);
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** Where a real shuffle put each key. */
    private static Map<String, Integer> placement(Partitioner partitioner) {
        List<String> keys = new ArrayList<>(KEYS);
        for (int i = 0; i < KEYS; i++) {
            keys.add("customer-" + i);
        }
        JavaPairRDD<String, Integer> pairs = spark.parallelize(keys, 4).mapToPair(k -> new Tuple2<>(k, 1));
        List<Tuple2<String, Integer>> placed = pairs.partitionBy(partitioner)
                .mapPartitionsWithIndex((Integer index, Iterator<Tuple2<String, Integer>> rows) -> {
                    List<Tuple2<String, Integer>> out = new ArrayList<>();
                    rows.forEachRemaining(row -> out.add(new Tuple2<>(row._1(), index)));
                    return out.iterator();
                }, true)
                .collect();
        Map<String, Integer> byKey = new HashMap<>();
        placed.forEach(t -> byKey.put(t._1(), t._2()));
        assertThat(byKey).as("every key once").hasSize(KEYS);
        return byKey;
    }

    @Test
    void growingByOnePartitionMovesAboutOneInNPlusOneKeysAllToTheNewPartition() {
        int n = 8;
        Map<String, Integer> before = placement(new RingPartitioner(n));
        Map<String, Integer> after = placement(new RingPartitioner(n + 1));
        RingPartitioner driverSide = new RingPartitioner(n + 1);
        int moved = 0;
        for (Map.Entry<String, Integer> e : after.entrySet()) {
            assertThat(e.getValue()).as("the shuffle agrees with getPartition").isEqualTo(driverSide.getPartition(e.getKey()));
            if (!e.getValue().equals(before.get(e.getKey()))) {
                moved++;
                assertThat(e.getValue()).as("a moved key goes to the new partition").isEqualTo(n);
            }
        }
        double share = moved / (double) KEYS;
        assertThat(share).as("share of keys moved").isBetween(0.5 / (n + 1), 1.6 / (n + 1));

        Map<String, Integer> hashBefore = placement(new HashPartitioner(n));
        Map<String, Integer> hashAfter = placement(new HashPartitioner(n + 1));
        long hashMoved = hashAfter.entrySet().stream().filter(e -> !e.getValue().equals(hashBefore.get(e.getKey()))).count();
        assertThat(hashMoved / (double) KEYS).as("HashPartitioner, for comparison, moves most keys").isGreaterThan(0.5);
        System.out.printf("RingPartitioner %d -> %d partitions moved %.2f%% of keys; HashPartitioner moved %.2f%%%n",
                n, n + 1, 100 * share, 100.0 * hashMoved / KEYS);
    }

    @Test
    void everyPartitionGetsItsShare() {
        int n = 8;
        Map<Integer, Integer> load = new HashMap<>();
        placement(new RingPartitioner(n)).values().forEach(p -> load.merge(p, 1, Integer::sum));
        assertThat(load).hasSize(n);
        int max = load.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertThat(max / (KEYS / (double) n)).as("max over mean").isLessThan(1.25);
    }
}
