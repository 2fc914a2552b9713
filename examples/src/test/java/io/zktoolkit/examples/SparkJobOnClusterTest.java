package io.zktoolkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.testing.QuorumClients;
import io.zktoolkit.examples.pipeline.SparkDeployment;
import io.zktoolkit.it.harness.SparkStandaloneCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code zktoolkit spark-job --spark-master spark://...}: the same transform job as
 * {@link SparkJobCommandTest}'s local run, on a real Spark 4 standalone cluster (a Master and two
 * Workers in their own JVMs, {@code SPARK_HOME/jars} holding Spark's jars alone). Its executors get
 * the toolkit only from the bundle jar the launcher puts in {@code spark.jars}, with the Spark
 * world's jar (the task code). ZooKeeper is a real 3-server quorum the executors connect to.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SparkJobOnClusterTest {
    @TempDir
    static Path dir;
    private static QuorumClients zk;
    private static SparkStandaloneCluster cluster;

    @BeforeAll
    static void start() {
        zk = new QuorumClients();
        long start = System.nanoTime();
        cluster = SparkStandaloneCluster.start(Path.of(property("zktoolkit.test.clusterScratch")), 2,
                SparkStandaloneCluster.readClasspath(Path.of(property("zktoolkit.test.sparkRuntimeClasspath"))));
        System.out.printf("cluster of 2 Workers up in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (zk != null) {
            zk.close();
        }
    }

    @Test
    void theJobRunsOnTheClustersExecutorsWithTheToolkitFromSparkJarsAlone() throws Exception {
        Path input = SqoopTextFiles.write(dir);
        Path conf = dir.resolve("cluster-job.properties");
        Files.writeString(conf, "zk.connect=" + zk.connectString() + "\njob.name=cluster-totals\njob.input=" + input
                + "\njob.output=out\n" + clusterSettings());

        long start = System.nanoTime();
        LauncherRun run = LauncherRun.of("spark-job", "--config", conf.toString(), "--spark-master", cluster.masterUrl(),
                "--log", dir.resolve("cluster-job.log").toString());
        System.out.printf("spark-job on the cluster: exit %d in %d ms%n%s", run.code(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), run.out());

        assertThat(run.code()).as(run.out() + run.err()).isZero();
        // The local run's totals (SparkJobCommandTest), computed by the cluster's executors.
        assertThat(run.out()).containsPattern("customers +2 +2 +0 +3\\.50")
                .containsPattern("orders +5 +4 +1 +41\\.75")
                .contains("Spark master " + cluster.masterUrl(), "shipping zktoolkit-bundle-",
                        "zktoolkit-examples-world-spark-", "in spark.jars")
                .doesNotContain("warning:");
        try (Stream<Path> files = Files.list(dir.resolve("out/table_totals"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".parquet"));
        }

        assertThat(cluster.executorLogLines("Running task")).as("tasks ran in the cluster's executor JVMs").isNotEmpty();
        assertThat(cluster.executorLogLines("to class loader")).as("each executor loaded the shipped jars")
                .anyMatch(l -> l.contains("zktoolkit-bundle-")).anyMatch(l -> l.contains("zktoolkit-examples-world-spark-"));
        // The fenced publish task took a partition lock: toolkit code, on an executor, with its own ZooKeeper client.
        assertThat(cluster.executorLogLines("Opened the shared ZooKeeper client"))
                .as("an executor ran the toolkit's task code").isNotEmpty()
                .allMatch(l -> l.contains(zk.connectString()));
        // ...which could only come from spark.jars: neither SPARK_HOME/jars nor the executors' class path holds the toolkit.
        try (Stream<Path> jars = Files.list(cluster.sparkHome().resolve("jars"))) {
            assertThat(jars.map(j -> j.getFileName().toString())).isNotEmpty().noneMatch(n -> n.contains("toolkit"));
        }
        assertThat(cluster.executorLogLines("Spark Executor Command")).isNotEmpty().noneMatch(l -> l.contains("toolkit"));
    }

    /**
     * The pipeline demo's Spark stage on the same cluster: {@code demo --spark-master spark://...}
     * runs the run that works on embedded defaults (here a small one: one table, two workers, no
     * faults, no Hive), its transform on the cluster's executors.
     */
    @Test
    void theDemoRunsItsSparkStageOnTheCluster() throws Exception {
        int tasksBefore = cluster.executorLogLines("Running task").size();
        long start = System.nanoTime();
        LauncherRun run = LauncherRun.of("demo", "--tables", "orders", "--rows", "40", "--new-rows", "10", "--workers", "2",
                "--no-faults", "--no-hive", "--spark-master", cluster.masterUrl(), "--work-dir", dir.resolve("demo").toString());
        System.out.printf("demo on the cluster: exit %d in %d ms%n", run.code(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));

        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).containsPattern("(?m)^orders\\s+50\\s+50\\s+50\\s+0\\s+50\\s+every row once$")
                .containsPattern("(?m)^  orders: 50 rows, 0 duplicate ids")
                .contains("Spark master " + cluster.masterUrl());
        assertThat(cluster.executorLogLines("Running task")).as("the transform's tasks ran on the cluster's executors")
                .hasSizeGreaterThan(tasksBefore);
        // Nothing of the demo is left running: this JVM's only children are the cluster's Master and Workers.
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).count()).isEqualTo(3);
    }

    /**
     * This cluster's driver settings as any user puts them in the job's file ({@code spark.*} keys),
     * less what the launcher decides: master, driver address and {@code spark.jars}.
     */
    private static String clusterSettings() {
        Map<String, String> conf = cluster.driverConf(List.of());
        List.of(SparkDeployment.MASTER, SparkDeployment.JARS, SparkDeployment.DRIVER_HOST, SparkDeployment.BIND_ADDRESS)
                .forEach(conf::remove);
        return conf.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n"));
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("System property " + name + " is not set; run through Maven: "
                    + "mvn -B -pl examples -am verify -Dtest=SparkJobOnClusterTest -Dsurefire.failIfNoSpecifiedTests=false");
        }
        return value;
    }
}
