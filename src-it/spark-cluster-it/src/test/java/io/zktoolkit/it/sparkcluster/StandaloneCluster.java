package io.zktoolkit.it.sparkcluster;

import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.FreePorts;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Spark standalone cluster whose executors see only what a user's cluster would give them:
 * Spark's own jars from {@code SPARK_HOME/jars}, and the application's jars shipped by the driver
 * through {@code spark.jars} (what {@code spark-submit --jars} sets). Here those are the relocated
 * toolkit bundle and this module's application jar; no test class path reaches an executor.
 *
 * <p>A Master and {@code n} Workers run as separate JVMs on loopback, each Worker with one core on
 * its own address (127.0.0.2, 127.0.0.3, ...: Spark names an executor's host after its Worker,
 * and never places a speculative copy on a host that already runs an attempt). The test JVM is
 * the driver. {@code SPARK_HOME} is a folder under the scratch folder whose {@code jars/} holds
 * symbolic links to Spark's runtime class path as Maven resolved it.
 *
 * <p>{@link #close()} stops the Workers with SIGTERM (their shutdown hooks stop their executors),
 * kills with SIGKILL any executor still alive, stops the Master and deletes the scratch folder
 * (kept when {@code -Dsparkcluster.keep=true}, for a look at the executors' logs).
 */
final class StandaloneCluster implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneCluster.class);
    private static final Duration READY = Duration.ofSeconds(60);
    private static final Duration STOP = Duration.ofSeconds(20);

    private final Path scratch;
    private final Path sparkHome;
    private final String masterUrl;
    private final BuildJars jars;
    private final ChildJvm master;
    private final List<ChildJvm> workers;

    private StandaloneCluster(Path scratch, Path sparkHome, String masterUrl, BuildJars jars, ChildJvm master,
            List<ChildJvm> workers) {
        this.scratch = scratch;
        this.sparkHome = sparkHome;
        this.masterUrl = masterUrl;
        this.jars = jars;
        this.master = master;
        this.workers = workers;
    }

    /**
     * Starts a Master and {@code workers} Workers from the build's jars (see {@link BuildJars}),
     * returning once every Worker has registered with the Master.
     *
     * @param scratch a folder for this cluster alone, deleted on close (emptied first if it exists)
     */
    static StandaloneCluster start(Path scratch, int workers) {
        BuildJars jars = BuildJars.fromSystemProperties();
        List<ChildJvm> started = new ArrayList<>();
        try {
            deleteRecursively(scratch);
            Path sparkHome = sparkHome(scratch.resolve("spark-home"), jars.sparkRuntime());
            int port = FreePorts.next();
            String masterUrl = "spark://127.0.0.1:" + port;
            ChildJvm master = daemon(scratch, sparkHome, "master", "127.0.0.1", "org.apache.spark.deploy.master.Master")
                    .args("--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", "0")
                    .systemProperty("spark.master.rest.enabled", "false")
                    .start();
            started.add(master);
            master.awaitLine(l -> l.contains("I have been elected leader"), READY);
            List<ChildJvm> workerJvms = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                String address = "127.0.0." + (2 + i);
                Path workDir = Files.createDirectories(scratch.resolve("worker-" + i));
                ChildJvm worker = daemon(scratch, sparkHome, "worker-" + i, address, "org.apache.spark.deploy.worker.Worker")
                        .args(masterUrl, "--host", address, "--cores", "1", "--memory", "1g", "--webui-port", "0",
                                "--work-dir", workDir.toString())
                        .start();
                started.add(worker);
                workerJvms.add(worker);
            }
            for (ChildJvm worker : workerJvms) {
                worker.awaitLine(l -> l.contains("Successfully registered with master"), READY);
            }
            return new StandaloneCluster(scratch, sparkHome, masterUrl, jars, master, workerJvms);
        } catch (IOException e) {
            stopAll(started);
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            stopAll(started);
            throw e;
        }
    }

    /**
     * The driver settings of an application on this cluster: one executor of one core per Worker,
     * the bundle and the application jar in {@code spark.jars}, scratch space under this cluster's
     * folder. Nothing puts a class path on the executors but {@code spark.jars}.
     */
    Map<String, String> driverConf() {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.master", masterUrl);
        conf.put("spark.driver.host", "127.0.0.1");
        conf.put("spark.driver.bindAddress", "127.0.0.1");
        conf.put("spark.ui.enabled", "false");
        conf.put("spark.executor.cores", "1");
        conf.put("spark.cores.max", Integer.toString(workers.size()));
        conf.put("spark.executor.memory", "512m");
        conf.put("spark.jars", jars.shipped().stream().map(Path::toString).collect(Collectors.joining(",")));
        conf.put("spark.executor.extraJavaOptions", "-XX:+UseSerialGC -Djava.io.tmpdir=" + tmp(scratch));
        conf.put("spark.local.dir", tmp(scratch).toString());
        return conf;
    }

    /**
     * Starts a driver JVM the way {@code spark-submit --deploy-mode client} does: Spark's
     * {@code SparkSubmit} from {@code SPARK_HOME/jars} alone, the bundle through {@code --jars},
     * this module's jar as the application jar, {@code mainClass} in it as the driver.
     *
     * @param conf settings passed as {@code --conf}, on top of {@link #driverConf()}'s
     */
    ChildJvm submit(String name, Map<String, String> conf, String mainClass, String... args) {
        Map<String, String> all = new LinkedHashMap<>(driverConf());
        all.remove("spark.master");
        all.remove("spark.jars");
        all.putAll(conf);
        List<String> submit = new ArrayList<>(List.of("--master", masterUrl, "--deploy-mode", "client", "--name", name));
        all.forEach((key, value) -> submit.addAll(List.of("--conf", key + "=" + value)));
        submit.addAll(List.of("--jars", jars.bundle().toString(), "--class", mainClass, jars.app().toString()));
        submit.addAll(List.of(args));
        return daemon(scratch, sparkHome, "submit-" + name, "127.0.0.1", "org.apache.spark.deploy.SparkSubmit")
                .jvmOption("-Xmx512m")
                .args(submit.toArray(String[]::new))
                .start();
    }

    /** The {@code SPARK_HOME} of the Master, Workers and executors. */
    Path sparkHome() {
        return sparkHome;
    }

    /** The executor JVMs running now: the Workers' child processes. */
    List<ProcessHandle> executors() {
        return workers.stream()
                .flatMap(w -> ProcessHandle.of(w.pid()).stream())
                .flatMap(ProcessHandle::children)
                .filter(ProcessHandle::isAlive)
                .toList();
    }

    /**
     * The executor JVM with process id {@code pid}.
     *
     * @throws AssertionError when no Worker of this cluster runs a process with that id, so that a
     *         test never signals a process it did not start
     */
    ProcessHandle executor(long pid) {
        return executors().stream().filter(p -> p.pid() == pid).findFirst().orElseThrow(() -> new AssertionError(
                "pid " + pid + " is not an executor of this cluster; executors: "
                        + executors().stream().map(p -> Long.toString(p.pid())).toList()));
    }

    /** The executors' log lines (their {@code stderr} files under the Workers' work folders) containing {@code text}. */
    List<String> executorLogLines(String text) {
        try (Stream<Path> files = Files.walk(scratch)) {
            return files.filter(f -> f.getFileName().toString().equals("stderr"))
                    .flatMap(StandaloneCluster::lines)
                    .filter(l -> l.contains(text))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        List<ProcessHandle> executors = executors();
        List<ChildJvm> all = new ArrayList<>(workers);
        all.add(master);
        stopAll(all);
        for (ProcessHandle executor : executors) {
            if (executor.isAlive()) {
                LOG.warn("Executor {} outlived its Worker; killing it", executor.pid());
                executor.destroyForcibly();
                executor.onExit().orTimeout(STOP.toSeconds(), TimeUnit.SECONDS).join();
            }
        }
        if (Boolean.getBoolean("sparkcluster.keep")) {
            LOG.info("Keeping the cluster's scratch folder {}", scratch);
            return;
        }
        try {
            deleteRecursively(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete the cluster's scratch folder " + scratch, e);
        }
    }

    /** Workers first (SIGTERM: a Worker's shutdown hook kills its executors), then the Master. */
    private static void stopAll(List<ChildJvm> jvms) {
        for (ChildJvm jvm : jvms) {
            if (jvm.isAlive()) {
                try {
                    jvm.terminate();
                } catch (AssertionError | RuntimeException e) {
                    LOG.warn("{} did not stop on SIGTERM: {}", jvm.name(), e.toString());
                }
            }
            jvm.close();
        }
    }

    private static ChildJvm.Builder daemon(Path scratch, Path sparkHome, String name, String address, String mainClass) {
        ChildJvm.Builder builder = ChildJvm.builder(mainClass)
                .name("spark-" + name)
                .classpath(sparkHome.resolve("jars") + "/*")
                .jvmOption("-Xmx256m")
                .jvmOption("-XX:+UseSerialGC")
                .jvmOption("-Djava.io.tmpdir=" + tmp(scratch))
                .env("SPARK_HOME", sparkHome.toString())
                // Otherwise the Worker's launcher looks for a Spark source tree to learn the Scala version.
                .env("SPARK_SCALA_VERSION", "2.13")
                .env("SPARK_LOCAL_IP", address)
                .env("SPARK_LOCAL_DIRS", tmp(scratch).toString())
                .logFile(scratch.resolve(name + ".log"));
        javaModuleOptions().forEach(builder::jvmOption);
        return builder;
    }

    /** {@code <folder>/jars} with a link to each of Spark's runtime jars: all the launcher and the Workers need. */
    private static Path sparkHome(Path folder, List<Path> sparkRuntime) throws IOException {
        Path jars = Files.createDirectories(folder.resolve("jars"));
        for (Path jar : sparkRuntime) {
            Path link = jars.resolve(jar.getFileName());
            if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                link = jars.resolve(jar.getParent().getFileName() + "-" + jar.getFileName());
            }
            Files.createSymbolicLink(link, jar);
        }
        return folder;
    }

    /**
     * Spark's Java 17 options, from this JVM's own arguments (Failsafe's argLine): the pom holds
     * the list once, and the driver passes the same options on to its executors.
     */
    private static List<String> javaModuleOptions() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(o -> o.startsWith("--add-") || o.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
                        || o.startsWith("-Djdk.reflect.") || o.startsWith("-Dio.netty."))
                .toList();
    }

    private static Path tmp(Path scratch) {
        try {
            return Files.createDirectories(scratch.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<String> lines(Path file) {
        try {
            return Files.readAllLines(file).stream();
        } catch (IOException e) {
            return Stream.empty();
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            // Links are deleted, never followed: SPARK_HOME/jars links into the Maven repository.
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /**
     * The jars the build hands this module: Spark's runtime class path (for {@code SPARK_HOME}) and
     * the jars a driver ships to executors (the bundle and the application jar).
     */
    record BuildJars(List<Path> sparkRuntime, Path bundle, Path app) {
        /** What a driver ships to executors, in {@code spark.jars} order. */
        List<Path> shipped() {
            return List.of(bundle, app);
        }


        static BuildJars fromSystemProperties() {
            Path classpathFile = existing("sparkcluster.sparkClasspath", "Spark's runtime class path file");
            List<Path> runtime;
            try {
                runtime = Arrays.stream(Files.readString(classpathFile).trim().split(File.pathSeparator))
                        .filter(s -> !s.isBlank()).map(Path::of).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new BuildJars(runtime,
                    existing("sparkcluster.bundleJar", "the zktoolkit bundle jar (mvn -pl examples/bundle -am package)"),
                    existing("sparkcluster.appJar", "this module's application jar (built at package)"));
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
}
