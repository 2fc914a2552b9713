package io.zktoolkit.it.spark;

import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.FreePorts;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster started from the test classpath (no Spark distribution): a
 * Master and Workers, each in its own JVM, each Worker with one core on its own loopback address
 * (127.0.0.2, 127.0.0.3, ...). The test JVM is the driver; executors are further JVMs the
 * Workers launch.
 *
 * <p>Why distinct addresses: the scheduler never places a speculative copy of a task on a host
 * that already runs an attempt of it ({@code TaskSetManager.hasAttemptOnHost}), and Spark names
 * an executor's host after its Worker's address. Workers sharing one address would never get a
 * speculative attempt; on Linux every 127.x.y.z address is the loopback interface.
 *
 * <p>Executors get the test classpath through {@code spark.executor.extraClassPath}, and the
 * Java 17 module options from the driver (Spark adds them to the executors' command lines).
 * {@code SPARK_HOME} is an empty folder with an empty {@code jars/}, which is all Spark's
 * launcher checks for. Everything it starts is killed on close (and by the harness's reaper).
 */
final class StandaloneSparkCluster implements Closeable {
    private static final Duration READY = Duration.ofSeconds(60);

    private final Path dir;
    private final String masterUrl;
    private final List<ChildJvm> jvms;

    private StandaloneSparkCluster(Path dir, String masterUrl, List<ChildJvm> jvms) {
        this.dir = dir;
        this.masterUrl = masterUrl;
        this.jvms = jvms;
    }

    /** Starts a Master and {@code workers} Workers under {@code dir}, returning once every Worker has registered. */
    static StandaloneSparkCluster start(Path dir, int workers) {
        List<ChildJvm> jvms = new ArrayList<>();
        try {
            Path sparkHome = Files.createDirectories(dir.resolve("spark-home"));
            Files.createDirectories(sparkHome.resolve("jars"));
            int port = FreePorts.next();
            String masterUrl = "spark://127.0.0.1:" + port;
            ChildJvm master = daemon(dir, sparkHome, "master", "127.0.0.1", "org.apache.spark.deploy.master.Master")
                    .args("--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", "0")
                    .systemProperty("spark.master.rest.enabled", "false")
                    .start();
            jvms.add(master);
            master.awaitLine(l -> l.contains("I have been elected leader"), READY);
            for (int i = 0; i < workers; i++) {
                String address = "127.0.0." + (2 + i);
                Path workDir = Files.createDirectories(dir.resolve("worker-" + i));
                jvms.add(daemon(dir, sparkHome, "worker-" + i, address, "org.apache.spark.deploy.worker.Worker")
                        .args(masterUrl, "--host", address, "--cores", "1", "--memory", "1g", "--webui-port", "0",
                                "--work-dir", workDir.toString())
                        .start());
            }
            for (ChildJvm worker : jvms.subList(1, jvms.size())) {
                worker.awaitLine(l -> l.contains("Successfully registered with master"), READY);
            }
            return new StandaloneSparkCluster(dir, masterUrl, jvms);
        } catch (IOException e) {
            jvms.forEach(ChildJvm::close);
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            jvms.forEach(ChildJvm::close);
            throw e;
        }
    }

    /**
     * The driver settings for an application on this cluster: one executor of one core per
     * Worker, the test classpath on the executors, scratch space under the cluster's folder.
     */
    Map<String, String> driverConf() {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.master", masterUrl);
        conf.put("spark.driver.host", "127.0.0.1");
        conf.put("spark.driver.bindAddress", "127.0.0.1");
        conf.put("spark.ui.enabled", "false");
        conf.put("spark.executor.cores", "1");
        conf.put("spark.cores.max", Integer.toString(jvms.size() - 1));
        conf.put("spark.executor.memory", "768m");
        conf.put("spark.executor.extraClassPath", System.getProperty("java.class.path"));
        conf.put("spark.executor.extraJavaOptions", "-Djava.io.tmpdir=" + tmp() + " -Dlogback.configurationFile="
                + loggingConfig());
        conf.put("spark.local.dir", tmp().toString());
        return conf;
    }

    /** The Workers' and executors' log lines containing {@code text}, for failure messages and evidence. */
    List<String> executorLogLines(String text) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().equals("stderr"))
                    .flatMap(StandaloneSparkCluster::lines)
                    .filter(l -> l.contains(text))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        // Workers first, so that they do not log a lost Master while their executors are killed.
        for (int i = jvms.size() - 1; i >= 0; i--) {
            jvms.get(i).close();
        }
    }

    private static ChildJvm.Builder daemon(Path dir, Path sparkHome, String name, String address, String mainClass) {
        ChildJvm.Builder builder = ChildJvm.builder(mainClass)
                .name("spark-" + name)
                .jvmOption("-Xmx256m")
                .jvmOption("-Djava.io.tmpdir=" + tmp(dir))
                .systemProperty("logback.configurationFile", loggingConfig())
                .env("SPARK_HOME", sparkHome.toString())
                // Otherwise the launcher looks for a Spark source tree to learn the Scala version.
                .env("SPARK_SCALA_VERSION", "2.13")
                .env("SPARK_LOCAL_IP", address)
                .env("SPARK_LOCAL_DIRS", tmp(dir).toString())
                .logFile(dir.resolve(name + ".log"));
        SparkIt.javaModuleOptions().forEach(builder::jvmOption);
        return builder;
    }

    private Path tmp() {
        return tmp(dir);
    }

    private static Path tmp(Path dir) {
        try {
            return Files.createDirectories(dir.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String loggingConfig() {
        try {
            return Path.of(StandaloneSparkCluster.class.getResource("/logback-spark-cluster.xml").toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Stream<String> lines(Path file) {
        try {
            return Files.readAllLines(file).stream();
        } catch (IOException e) {
            return Stream.empty();
        }
    }
}
