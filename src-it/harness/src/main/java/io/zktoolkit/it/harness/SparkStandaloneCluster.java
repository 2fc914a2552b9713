package io.zktoolkit.it.harness;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * through {@code spark.jars} (what {@code spark-submit --jars} sets), typically the relocated
 * toolkit bundle and the application's jar. No test class path reaches an executor.
 *
 * <p>A Master and {@code n} Workers run as separate JVMs on loopback, each Worker with one core on
 * its own address (127.0.0.2, 127.0.0.3, ...: Spark names an executor's host after its Worker,
 * and never places a speculative copy on a host that already runs an attempt). The test JVM is
 * the driver (in process, or a {@code SparkSubmit} JVM from {@link #submit}). {@code SPARK_HOME} is a
 * folder under the scratch folder whose {@code jars/} holds symbolic links to Spark's runtime class
 * path as Maven resolved it: Spark's jars only, never the toolkit's.
 *
 * <p>{@link #close()} stops the Workers with SIGTERM (their shutdown hooks stop their executors),
 * kills with SIGKILL any executor still alive, stops the Master and deletes the scratch folder
 * (kept when {@code -Dsparkcluster.keep=true}, for a look at the executors' logs).
 */
public final class SparkStandaloneCluster implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(SparkStandaloneCluster.class);
    private static final Duration READY = Duration.ofSeconds(60);
    private static final Duration STOP = Duration.ofSeconds(20);

    private final Path scratch;
    private final Path sparkHome;
    private final String masterUrl;
    private final ChildJvm master;
    private final List<ChildJvm> workers;

    private SparkStandaloneCluster(Path scratch, Path sparkHome, String masterUrl, ChildJvm master, List<ChildJvm> workers) {
        this.scratch = scratch;
        this.sparkHome = sparkHome;
        this.masterUrl = masterUrl;
        this.master = master;
        this.workers = workers;
    }

    /**
     * Starts a Master and {@code workers} Workers, returning once every Worker has registered with
     * the Master.
     *
     * @param scratch a folder for this cluster alone, deleted on close (emptied first if it exists)
     * @param sparkRuntime Spark's runtime jars (see {@link #readClasspath}); they become {@code SPARK_HOME/jars}
     */
    public static SparkStandaloneCluster start(Path scratch, int workers, List<Path> sparkRuntime) {
        List<ChildJvm> started = new ArrayList<>();
        try {
            deleteRecursively(scratch);
            Path sparkHome = sparkHome(scratch.resolve("spark-home"), sparkRuntime);
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
            return new SparkStandaloneCluster(scratch, sparkHome, masterUrl, master, workerJvms);
        } catch (IOException e) {
            stopAll(started);
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            stopAll(started);
            throw e;
        }
    }

    /** The Master's URL, {@code spark://127.0.0.1:<port>}. */
    public String masterUrl() {
        return masterUrl;
    }

    /**
     * The driver settings of an application on this cluster: one executor of one core per Worker,
     * {@code shipped} in {@code spark.jars}, scratch space under this cluster's folder. Nothing
     * puts a class path on the executors but {@code spark.jars}.
     */
    public Map<String, String> driverConf(List<Path> shipped) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.master", masterUrl);
        conf.put("spark.driver.host", "127.0.0.1");
        conf.put("spark.driver.bindAddress", "127.0.0.1");
        conf.put("spark.ui.enabled", "false");
        conf.put("spark.executor.cores", "1");
        conf.put("spark.cores.max", Integer.toString(workers.size()));
        conf.put("spark.executor.memory", "512m");
        conf.put("spark.jars", shipped.stream().map(Path::toString).collect(Collectors.joining(",")));
        conf.put("spark.executor.extraJavaOptions", "-XX:+UseSerialGC -Djava.io.tmpdir=" + tmp(scratch));
        conf.put("spark.local.dir", tmp(scratch).toString());
        return conf;
    }

    /**
     * Starts a driver JVM the way {@code spark-submit --deploy-mode client} does: Spark's
     * {@code SparkSubmit} from {@code SPARK_HOME/jars} alone, {@code jars} through {@code --jars},
     * {@code mainClass} in {@code appJar} as the driver.
     *
     * @param conf settings passed as {@code --conf}, on top of {@link #driverConf}'s
     */
    public ChildJvm submit(String name, Map<String, String> conf, List<Path> jars, Path appJar, String mainClass,
            String... args) {
        Map<String, String> all = new LinkedHashMap<>(driverConf(List.of()));
        all.remove("spark.master");
        all.remove("spark.jars");
        all.putAll(conf);
        List<String> submit = new ArrayList<>(List.of("--master", masterUrl, "--deploy-mode", "client", "--name", name));
        all.forEach((key, value) -> submit.addAll(List.of("--conf", key + "=" + value)));
        submit.addAll(List.of("--jars", jars.stream().map(Path::toString).collect(Collectors.joining(",")),
                "--class", mainClass, appJar.toString()));
        submit.addAll(List.of(args));
        return daemon(scratch, sparkHome, "submit-" + name, "127.0.0.1", "org.apache.spark.deploy.SparkSubmit")
                .jvmOption("-Xmx512m")
                .args(submit.toArray(String[]::new))
                .start();
    }

    /** The {@code SPARK_HOME} of the Master, Workers and executors. */
    public Path sparkHome() {
        return sparkHome;
    }

    /** The executor JVMs running now: the Workers' child processes. */
    public List<ProcessHandle> executors() {
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
    public ProcessHandle executor(long pid) {
        return executors().stream().filter(p -> p.pid() == pid).findFirst().orElseThrow(() -> new AssertionError(
                "pid " + pid + " is not an executor of this cluster; executors: "
                        + executors().stream().map(p -> Long.toString(p.pid())).toList()));
    }

    /**
     * Freezes executor {@code pid} with SIGSTOP: its JVM stays alive to the OS and keeps its
     * sockets open, but runs nothing (no task, no heartbeat to the driver, no ZooKeeper ping), like
     * a JVM in a long GC pause. Returns once the kernel reports it stopped.
     *
     * @throws AssertionError when {@code pid} is not an executor of this cluster
     */
    public void pauseExecutor(long pid) {
        UnixSignals.stop(executor(pid));
        LOG.info("Paused executor {} with SIGSTOP", pid);
    }

    /** Lets executor {@code pid}, paused with {@link #pauseExecutor}, continue with SIGCONT. */
    public void resumeExecutor(long pid) {
        UnixSignals.resume(executor(pid));
        LOG.info("Resumed executor {} with SIGCONT", pid);
    }

    /** The executors' log lines (their {@code stderr} files under the Workers' work folders) containing {@code text}. */
    public List<String> executorLogLines(String text) {
        try (Stream<Path> files = Files.walk(scratch)) {
            return files.filter(f -> f.getFileName().toString().equals("stderr"))
                    .flatMap(SparkStandaloneCluster::lines)
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
        SparkModuleOptions.ALL.forEach(builder::jvmOption);
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

    public static void deleteRecursively(Path dir) throws IOException {
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
     * The jars named in a class path file, as {@code maven-dependency-plugin:build-classpath}
     * writes it.
     *
     * @throws IllegalStateException naming the file when it does not exist
     */
    public static List<Path> readClasspath(Path classpathFile) {
        if (!Files.isRegularFile(classpathFile)) {
            throw new IllegalStateException("Spark's runtime class path file " + classpathFile
                    + " does not exist; the module that lists Spark's jars writes it at generate-test-resources");
        }
        try {
            return Arrays.stream(Files.readString(classpathFile).trim().split(File.pathSeparator))
                    .filter(s -> !s.isBlank()).map(Path::of).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + classpathFile, e);
        }
    }
}
