package io.zktoolkit.it.spark;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.spark.ExecutorClients;
import io.zktoolkit.locks.spark.PortableSettings;
import io.zktoolkit.sync.barrier.BarrierTimeoutException;
import io.zktoolkit.sync.spark.SparkStageBarrier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.zookeeper.CreateMode;

/**
 * A Spark driver in its own JVM (one SparkContext per JVM) that meets others at a stage barrier.
 * It records {@code arrived}, {@code started} and {@code finished} as sequential znodes under the
 * record path, so the test reads the order from ZooKeeper's own sequence, not from clocks. Prints
 * {@value #DONE} after its stage, or {@value #TIMEOUT} and the barrier's message, exiting 3.
 *
 * <p>Arguments: ZooKeeper connect string, barrier name, parties, timeout in seconds, record path, member label.
 */
public final class StageBarrierDriverMain {
    static final String DONE = "STAGE DONE";
    static final String TIMEOUT = "BARRIER TIMEOUT: ";
    static final int EXIT_TIMEOUT = 3;

    private StageBarrierDriverMain() {
    }

    public static void main(String[] args) throws Exception {
        String label = args[5];
        SparkConf conf = new SparkConf(false).setAppName("barrier-" + label);
        SparkIt.LOCAL_DRIVER.forEach(conf::set);
        conf.setMaster("local[1]").set("spark.zktoolkit.zk.connect", args[0]).set("spark.zktoolkit.zk.session.timeout", "5s");
        SparkContext sc = new SparkContext(conf);
        int code = 0;
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
            jsc.parallelize(java.util.List.of(1, 2, 3), 1).count(); // the application really runs before it meets the others
            ToolkitClient zk = ExecutorClients.client(PortableSettings.fromSparkConf(conf));
            String records = args[4];
            record(zk, records, "arrived-" + label);
            try (SparkStageBarrier stage = SparkStageBarrier.await(sc, args[1], Integer.parseInt(args[2]),
                    Duration.ofSeconds(Long.parseLong(args[3])))) {
                record(zk, records, "started-" + label);
                jsc.parallelize(java.util.List.of(1, 2, 3, 4), 2).map(i -> i * 2).count();
                record(zk, records, "finished-" + label);
            }
            System.out.println(DONE + " " + label);
        } catch (BarrierTimeoutException e) {
            System.out.println(TIMEOUT + e.getMessage());
            code = EXIT_TIMEOUT;
        } finally {
            sc.stop();
        }
        System.exit(code);
    }

    private static void record(ToolkitClient zk, String path, String what) throws Exception {
        zk.curator().create().creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath(path + "/e-", what.getBytes(StandardCharsets.UTF_8));
    }
}
