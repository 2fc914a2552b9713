package io.zktoolkit.it.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.spark.SparkJobGuard;
import io.zktoolkit.sync.shared.DistributedCounter;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bundle jar in Spark 3.5.4's classpath world, as {@code spark-submit --jars} puts it there:
 * beside Curator 2.13, ZooKeeper 3.6.3 and Guava 14/16, one embedded ZooKeeper started through
 * the bundle serves a real {@code local[2]} job using the toolkit in its tasks and the old
 * Curator used directly in the same JVM.
 */
class BundleBesideOldCuratorIT {
    private static final int PARTITIONS = 6;
    private static final int PER_PARTITION = 10;

    private static ToolkitClient zk;
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        Properties settings = new Properties();
        settings.setProperty("zk.connect", "embedded");
        zk = ToolkitClient.open(settings);
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("bundle-it")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        if (zk != null) {
            zk.close();
        }
    }

    @Test
    void theOldCuratorAndGuavaAreOnTheClassPathAndTheToolkitComesFromTheBundle() throws Exception {
        assertThat(jarOf(CuratorFrameworkFactory.class)).startsWith("curator-framework-2.13");
        assertThat(jarOf(org.apache.zookeeper.ZooKeeper.class)).startsWith("zookeeper-3.6");
        assertThat(jarOf(com.google.common.base.Optional.class)).matches("guava-1[46]\\..*");

        assertThat(jarOf(ToolkitClient.class)).startsWith("zktoolkit-bundle-");
        // The toolkit's own Curator is the bundle's relocated copy, not the cluster's.
        assertThat(zk.curator().getClass().getName()).startsWith("io.zktoolkit.shaded.org.apache.curator.");
        assertThat(jarOf(zk.curator().getClass())).startsWith("zktoolkit-bundle-");
    }

    @Test
    void sparkTasksUseTheToolkitFromTheBundleAndEveryUpdateLandsOnce() throws Exception {
        zk.curator().create().creatingParentsIfNeeded().forPath(CountingPartitions.GUARDED, "0".getBytes(StandardCharsets.UTF_8));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Integer> elements = IntStream.range(0, PARTITIONS * PER_PARTITION).boxed().toList();

        List<Integer> seen = jsc.parallelize(elements, PARTITIONS)
                .mapPartitions(new CountingPartitions(zk.connectString()))
                .collect();

        assertThat(seen).hasSize(PARTITIONS).allMatch(n -> n == PER_PARTITION);
        assertThat(DistributedCounter.named(zk, CountingPartitions.COUNTER).get()).isEqualTo(PARTITIONS * PER_PARTITION);
        assertThat(new String(zk.curator().getData().forPath(CountingPartitions.GUARDED), StandardCharsets.UTF_8))
                .isEqualTo(Integer.toString(PARTITIONS * PER_PARTITION));
    }

    @Test
    void theOldCuratorAndTheBundleShareOneServerInOneJvm() throws Exception {
        try (CuratorFramework old = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100))) {
            old.start();
            assertThat(old.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
            // The toolkit's default namespace is zktoolkit: the old client writes into it from the root.
            old.create().creatingParentsIfNeeded().forPath("/zktoolkit/from-curator-2", "old".getBytes(StandardCharsets.UTF_8));
            assertThat(zk.curator().getData().forPath("/from-curator-2")).asString(StandardCharsets.UTF_8).isEqualTo("old");

            zk.curator().create().forPath("/from-bundle", "new".getBytes(StandardCharsets.UTF_8));
            assertThat(old.getData().forPath("/zktoolkit/from-bundle")).asString(StandardCharsets.UTF_8).isEqualTo("new");
        }
    }

    /**
     * The toolkit's Spark integration is compiled against Spark 4 / Scala 2.13; the job guard
     * links on Spark 3.5.4 / Scala 2.12 too (job tags, listener, fenced lock).
     */
    @Test
    void theSparkJobGuardRunsOnSpark35() throws Exception {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        SparkJobGuard guard = SparkJobGuard.builder(zk, spark.sparkContext()).name("bundle-it").build();
        long rows = guard.run(() -> {
            assertThat(guard.state()).isEqualTo(SparkJobGuard.State.RUNNING);
            assertThat(zk.curator().getChildren().forPath(SparkJobGuard.ROOT + "/bundle-it")).hasSize(1);
            return jsc.parallelize(List.of(1, 2, 3, 4), 2).count();
        });
        assertThat(rows).isEqualTo(4);
        assertThat(guard.state()).isEqualTo(SparkJobGuard.State.CLOSED);
        assertThat(zk.curator().getChildren().forPath(SparkJobGuard.ROOT + "/bundle-it")).isEmpty();
    }

    /**
     * Why the bundle relocates: the same toolkit unrelocated, with its Curator 5.9 and ZooKeeper
     * 3.9.5 after Spark 3.5.4's jars (where spark-submit puts --jars), fails to link; the bundle
     * on the same class path counts. Child JVMs, so each gets exactly that class path.
     */
    @Test
    void withoutRelocationTheToolkitCannotRunBesideSpark35() throws Exception {
        String spark35 = Files.readString(Path.of(System.getProperty("bundleit.sparkClasspath"))).strip();
        String plainToolkit = Files.readString(Path.of(System.getProperty("bundleit.plainToolkitClasspath"))).strip();
        String testClasses = System.getProperty("bundleit.testClasses");
        String bundle = Path.of(ToolkitClient.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();

        // A task connecting to the cluster's ensemble: Spark's Curator 2.13 classes shadow the toolkit's 5.9.
        ChildRun plain = ChildRun.of(CounterMain.class, zk.connectString(), testClasses, spark35, plainToolkit);
        assertThat(plain.exitCode()).as(plain.output()).isEqualTo(3);
        assertThat(plain.output()).contains("LINKAGE ");
        System.out.println("Unrelocated toolkit beside Spark 3.5.4: " + plain.output().lines().filter(l -> l.startsWith("LINKAGE")).findFirst().orElseThrow());
        // The embedded server too: ZooKeeper 3.6.3's config parser refuses what the 3.9.5 server writes.
        ChildRun plainEmbedded = ChildRun.of(CounterMain.class, "embedded", testClasses, spark35, plainToolkit);
        assertThat(plainEmbedded.exitCode()).as(plainEmbedded.output()).isNotZero();
        System.out.println("Unrelocated embedded server beside Spark 3.5.4: " + plainEmbedded.output().lines().filter(l -> l.startsWith("LINKAGE") || l.startsWith("FAILED")).findFirst().orElse(plainEmbedded.output()));

        ChildRun bundled = ChildRun.of(CounterMain.class, zk.connectString(), testClasses, spark35, bundle);
        assertThat(bundled.exitCode()).as(bundled.output()).isZero();
        assertThat(bundled.output()).contains("COUNTED 1");
    }

    private static String jarOf(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName().toString();
    }

    /** A main class in a child JVM on the given class path entries, run to its end. */
    record ChildRun(int exitCode, String output) {
        static ChildRun of(Class<?> main, String argument, String... classPath) throws IOException, InterruptedException {
            Path out = Files.createTempFile("bundle-it-child", ".out");
            try {
                Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m", "-cp", String.join(java.io.File.pathSeparator, classPath), main.getName(), argument)
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .start();
                if (!child.waitFor(60, TimeUnit.SECONDS)) {
                    child.destroyForcibly().waitFor();
                    return new ChildRun(-1, "timed out: " + Files.readString(out));
                }
                return new ChildRun(child.exitValue(), Files.readString(out));
            } finally {
                Files.deleteIfExists(out);
            }
        }
    }
}
