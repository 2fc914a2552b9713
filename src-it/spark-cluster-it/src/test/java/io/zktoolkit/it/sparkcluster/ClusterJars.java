package io.zktoolkit.it.sparkcluster;

import io.zktoolkit.it.harness.SparkStandaloneCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;

/**
 * The jars this module's build hands its tests: Spark's runtime class path (the cluster's
 * {@code SPARK_HOME/jars}), the relocated toolkit bundle and this module's application jar (what a
 * driver ships to executors), from the system properties Failsafe sets.
 */
record ClusterJars(List<Path> sparkRuntime, Path bundle, Path app) {

    static ClusterJars fromBuild() {
        return new ClusterJars(
                SparkStandaloneCluster.readClasspath(existing("sparkcluster.sparkClasspath", "Spark's runtime class path file")),
                existing("sparkcluster.bundleJar", "the zktoolkit bundle jar (mvn -pl examples/bundle -am package)"),
                existing("sparkcluster.appJar", "this module's application jar (built at package)"));
    }

    /** A cluster of {@code workers} Workers under {@code scratch}, its {@code SPARK_HOME/jars} this build's Spark. */
    SparkStandaloneCluster startCluster(Path scratch, int workers) {
        return SparkStandaloneCluster.start(scratch, workers, sparkRuntime);
    }

    /** An in-process driver's settings: the bundle and the application jar in {@code spark.jars}, in that order. */
    Map<String, String> driverConf(SparkStandaloneCluster cluster) {
        return cluster.driverConf(List.of(bundle, app));
    }

    /**
     * Waits until {@code executors} executors have registered with the driver: with one core per
     * executor, a job started before both registered could run every task on one.
     *
     * @throws IllegalStateException after 90 s, naming the executors registered by then
     */
    static void awaitExecutors(SparkContext sc, int executors) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        // getExecutorInfos counts the driver too.
        while (sc.statusTracker().getExecutorInfos().length < executors + 1) {
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException("only " + (sc.statusTracker().getExecutorInfos().length - 1) + " of "
                        + executors + " executors registered within 90 s: " + List.of(sc.statusTracker().getExecutorInfos()));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted waiting for executors", e);
            }
        }
    }

    private static Path existing(String property, String what) {
        String value = System.getProperty(property);
        if (value == null || !Files.isRegularFile(Path.of(value))) {
            throw new IllegalStateException("System property " + property + " must name " + what + ", was "
                    + value + "; run through Maven: mvn -B -pl src-it/spark-cluster-it -am verify");
        }
        return Path.of(value).toAbsolutePath();
    }
}
