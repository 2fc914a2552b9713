package io.zktoolkit.it.spark.bench;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.sync.spark.JobProgressListener;
import io.zktoolkit.sync.state.JobBoard;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The Spark side of the benchmark "job progress listener", a world for the benchmarks'
 * {@code RemoteSideCase} (whose class path may hold no Spark): an embedded ZooKeeper, then per
 * trial line ({@code toolkit} or {@code baseline}) one local[2] application running one job of
 * 10,000 tiny tasks, with or without {@link JobProgressListener}. Answers {@code TRIAL <ms>}: the
 * job's wall time (the application's start and stop are not in it). Toolkit trials also print
 * {@code STATS} with the listener's task events, updates published, ZooKeeper batches written and
 * the time to the application's end being written, for updates per second.
 */
public final class ListenerBenchWorld {
    static final int TASKS = 10_000;

    private ListenerBenchWorld() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("spark.ui.enabled", "false");
        try (ToolkitClient zk = ToolkitClient.open(ToolkitSettings.builder().set(ToolkitKeys.CONNECT, ToolkitKeys.EMBEDDED).build())) {
            List<Integer> partitions = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                partitions.add(i);
            }
            System.out.println("READY");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            int trial = 0;
            String line;
            while ((line = in.readLine()) != null && !line.equals("quit")) {
                try {
                    System.out.println("TRIAL " + trial(zk, line.trim(), ++trial, partitions));
                } catch (Exception e) {
                    System.out.println("TRIAL-FAILED " + e);
                }
            }
        }
        System.exit(0);
    }

    private static double trial(ToolkitClient zk, String side, int trial, List<Integer> partitions) throws Exception {
        if (!side.equals("toolkit") && !side.equals("baseline")) {
            throw new IllegalArgumentException("expected toolkit or baseline, got '" + side + "'");
        }
        SparkConf conf = new SparkConf(false).setAppName("listener-bench").setMaster("local[2]")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
        String jobId = "listener-bench-" + ProcessHandle.current().pid() + "-" + trial;
        conf.set(JobProgressListener.KEY_PREFIX + "job", jobId);
        SparkContext sc = new SparkContext(conf);
        JobProgressListener listener = null;
        try {
            if (side.equals("toolkit")) {
                listener = JobProgressListener.install(sc, zk);
            }
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
            long start = System.nanoTime();
            long count = jsc.parallelize(partitions, TASKS).count();
            double ms = (System.nanoTime() - start) / 1e6;
            if (count != TASKS) {
                throw new IllegalStateException("counted " + count);
            }
            long stopStart = System.nanoTime();
            sc.stop();
            sc = null;
            if (listener != null) {
                JobProgressListener.Stats stats = listener.stats();
                double stopMs = (System.nanoTime() - stopStart) / 1e6;
                System.out.printf("STATS jobMs=%.0f taskEvents=%d updatesPublished=%d batchesWritten=%d endWritten=%s stopMs=%.0f"
                        + " updatesPerSecond=%.0f%n", ms, stats.taskEvents(), stats.updatesPublished(), stats.batchesWritten(),
                        stats.endWritten(), stopMs, stats.updatesPublished() / (ms / 1000));
                removeJob(zk, jobId);
            }
            return ms;
        } finally {
            if (sc != null) {
                sc.stop();
            }
        }
    }

    /** Keeps the board small across trials. */
    private static void removeJob(ToolkitClient zk, String jobId) throws Exception {
        zk.curator().delete().deletingChildrenIfNeeded().forPath(JobBoard.ROOT + "/" + jobId);
    }
}
