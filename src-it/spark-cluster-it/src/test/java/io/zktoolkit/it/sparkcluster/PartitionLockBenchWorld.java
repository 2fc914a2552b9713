package io.zktoolkit.it.sparkcluster;

import io.zktoolkit.it.harness.ProcessEnsemble;
import io.zktoolkit.it.harness.SparkStandaloneCluster;
import io.zktoolkit.locks.spark.PartitionCommits;
import io.zktoolkit.locks.spark.PortableSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The cluster side of the benchmark "partition locks on a standalone cluster", a world for the
 * benchmarks' {@code RemoteSideCase} (whose class path may hold no Spark): a 3-server ZooKeeper
 * process ensemble, a standalone cluster of two one-core Workers whose executors get the toolkit
 * only from the bundle in {@code spark.jars}, and this JVM as the driver. Then per trial line
 * ({@code toolkit} or {@code baseline}) one job of {@value #TASKS} one-partition tasks: with
 * {@link LockedCommitTask} taking, committing and releasing its partition's lock, or the same task
 * without. Answers {@code TRIAL <ms>}, the job's wall time; toolkit trials also print the number
 * of partitions committed, which must be {@value #TASKS}.
 *
 * <p>Started with the system properties {@link ClusterJars#fromBuild()} reads.
 */
public final class PartitionLockBenchWorld {
    static final int TASKS = 200;

    private PartitionLockBenchWorld() {
    }

    public static void main(String[] args) throws Exception {
        ClusterJars jars = ClusterJars.fromBuild();
        Path scratch = Files.createTempDirectory(Path.of(System.getProperty("sparkcluster.scratch", "target")).toAbsolutePath(),
                "bench-cluster");
        int exit = 0;
        try (ProcessEnsemble ensemble = ProcessEnsemble.start(3);
             SparkStandaloneCluster cluster = jars.startCluster(scratch.resolve("cluster"), 2)) {
            PortableSettings zk = PortableSettings.of(Map.of("zk.connect", ensemble.connectString(),
                    "zk.namespace", "bench-partition-locks"));
            SparkConf conf = new SparkConf(false).setAppName("partition-lock-bench");
            jars.driverConf(cluster).forEach(conf::set);
            SparkContext sc = new SparkContext(conf);
            try {
                ClusterJars.awaitExecutors(sc, 2);
                JavaRDD<Integer> tasks = JavaSparkContext.fromSparkContext(sc)
                        .parallelize(IntStream.range(0, TASKS).boxed().toList(), TASKS);
                System.out.println("READY");
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                int trial = 0;
                String line;
                while ((line = in.readLine()) != null && !line.equals("quit")) {
                    try {
                        System.out.println("TRIAL " + trial(tasks, zk, line.trim(), ++trial));
                    } catch (Exception e) {
                        System.out.println("TRIAL-FAILED " + e);
                    }
                }
            } finally {
                sc.stop();
            }
        } catch (Exception e) {
            e.printStackTrace();
            exit = 1;
        } finally {
            SparkStandaloneCluster.deleteRecursively(scratch);
        }
        System.exit(exit);
    }

    private static double trial(JavaRDD<Integer> tasks, PortableSettings zk, String side, int trial) {
        PartitionCommits commits = switch (side) {
            case "toolkit" -> PartitionCommits.forRun(zk, "bench", "trial-" + trial);
            case "baseline" -> null;
            default -> throw new IllegalArgumentException("expected toolkit or baseline, got '" + side + "'");
        };
        long start = System.nanoTime();
        tasks.foreachPartition(new LockedCommitTask(commits));
        double ms = (System.nanoTime() - start) / 1e6;
        if (commits != null) {
            int committed = commits.markers().size();
            commits.clear();
            if (committed != TASKS) {
                throw new IllegalStateException(committed + " of " + TASKS + " partitions committed");
            }
            System.out.printf("STATS committed=%d msPerTask=%.1f%n", committed, ms / TASKS);
        }
        return ms;
    }
}
