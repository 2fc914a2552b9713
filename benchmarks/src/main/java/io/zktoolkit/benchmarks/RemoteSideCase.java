package io.zktoolkit.benchmarks;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.zktoolkit.it.harness.SparkModuleOptions;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A case whose two sides run in a child JVM, a <i>world</i>, because their class path cannot live
 * in this one (Hadoop, Sqoop and Spark are banned here, where the stock hive-jdbc driver bundles
 * their classes unrelocated). The world is started once in {@link #setUp()} from a class path file
 * that its own module writes, does its expensive setup, prints {@code READY}, then reads one line
 * per trial ({@code toolkit} or {@code baseline}) and answers {@code TRIAL <sample>} or
 * {@code TRIAL-FAILED <why>}. Any other line it prints (its logs) is skipped, the last ones kept for
 * error messages. The world times its own trial, so the pipe's round trip is not in the sample.
 */
public final class RemoteSideCase extends SampledCase {
    /** Where src-it/sqoop-it leaves its test classes and class-path file, unless a system property says otherwise. */
    static final String SQOOP_IT_TARGET = System.getProperty("zktoolkit.sqoop.it.target", "../src-it/sqoop-it/target");
    /** Where src-it/spark-it leaves its test classes and class-path file, unless a system property says otherwise. */
    static final String SPARK_IT_TARGET = System.getProperty("zktoolkit.spark.it.target", "../src-it/spark-it/target");
    /** Where src-it/spark-cluster-it leaves its jars, test classes and class-path files, unless a system property says otherwise. */
    static final String SPARK_CLUSTER_IT_TARGET = System.getProperty("zktoolkit.spark.cluster.it.target",
            "../src-it/spark-cluster-it/target");
    /** Where examples/bundle leaves the relocated toolkit jar, unless a system property says otherwise. */
    static final String BUNDLE_TARGET = System.getProperty("zktoolkit.bundle.target", "../examples/bundle/target");
    private static final long READY_WAIT_MS = TimeUnit.MINUTES.toMillis(3);
    private static final int KEPT_LINES = 60;

    private final String name;
    private final String worldMainClass;
    private final Path classpathFile;
    private final List<Path> classpathHead;
    private final List<String> jvmOptions;
    private final String toolkitDescription;
    private final String baselineDescription;
    private final Deque<String> recent = new ArrayDeque<>();
    private Process world;
    private Writer commands;
    private BufferedReader replies;

    /**
     * @param name the case's name
     * @param worldMainClass the world's main class
     * @param classpathFile a file holding the world's dependency class path (as maven-dependency-plugin's build-classpath writes it)
     * @param classpathHead the world's own classes (folders or jars), put first on its class path
     * @param jvmOptions options for the world's JVM besides its heap and class path
     * @param unit the unit of the world's samples
     */
    RemoteSideCase(String name, String worldMainClass, Path classpathFile, List<Path> classpathHead, List<String> jvmOptions,
            String unit, String toolkitDescription, String baselineDescription, int warmups, int trials) {
        super(unit, Direction.LOWER_IS_BETTER, warmups, trials);
        this.name = name;
        this.worldMainClass = worldMainClass;
        this.classpathFile = classpathFile;
        this.classpathHead = classpathHead;
        this.jvmOptions = jvmOptions;
        this.toolkitDescription = toolkitDescription;
        this.baselineDescription = baselineDescription;
    }

    /** The Sqoop incremental import: 2 warmups and 10 trials per side, about a second each. */
    public static RemoteSideCase sqoopIncrementalImport() {
        Path target = Path.of(SQOOP_IT_TARGET);
        return new RemoteSideCase("Sqoop incremental append import of 100 new rows, PostgreSQL to local files",
                "io.zktoolkit.it.sqoop.SqoopImportBenchWorld", target.resolve("sqoop-it.classpath"),
                List.of(target.resolve("test-classes")), List.of(), "ms",
                "CheckpointedImport.run(): guard (table lock + 1 mapper lease), checkpoint read, pending-folder recovery,"
                        + " Sqoop 1.4.7 in-process (codegen + local MapReduce), output record count against a source COUNT(*),"
                        + " fenced checkpoint write, publish by rename",
                "plain Sqoop 1.4.7 in-process with --incremental append --last-value <kept in memory>, same arguments"
                        + " (codegen + local MapReduce, Sqoop's own append move)",
                2, 10);
    }

    /**
     * Spark's listener bus with and without {@code JobProgressListener}: one job of 10,000 tiny
     * tasks in local[2] per trial (about 15 s each on 2 shared cores), 1 warmup and 5 trials per side.
     */
    public static RemoteSideCase sparkJobProgressListener() {
        Path target = Path.of(SPARK_IT_TARGET);
        return new RemoteSideCase("Spark local[2] job of 10,000 tiny tasks, wall time with vs without the job progress listener",
                "io.zktoolkit.it.spark.bench.ListenerBenchWorld", target.resolve("spark-it.classpath"),
                List.of(target.resolve("test-classes")), List.of(), "ms",
                "JobProgressListener.install(sc, zk) on an embedded ZooKeeper: application, Spark job and stage on the job"
                        + " board, progress every 200 ms (the world prints task events, updates and ZooKeeper batches per trial)",
                "the same application and job without the listener", 1, 5);
    }

    /**
     * Partition locks on a real standalone cluster: one job of 200 one-partition tasks per trial on
     * two one-core executors in their own JVMs (the toolkit reaching them only through the bundle
     * in {@code spark.jars}), with and without each task taking, committing and releasing its
     * partition's lock on a 3-server ZooKeeper process ensemble. 1 warmup and 5 trials per side,
     * a few seconds each after about a minute of setup. The toolkit's share of the job's wall time
     * is {@code 1 - 1/ratio}.
     */
    public static RemoteSideCase sparkClusterPartitionLocks() {
        Path target = Path.of(SPARK_CLUSTER_IT_TARGET).toAbsolutePath();
        Path appJar = onlyJar(target, "zktoolkit-it-spark-cluster-");
        List<String> options = new ArrayList<>(SparkModuleOptions.ALL);
        options.add("-Dsparkcluster.sparkClasspath=" + target.resolve("spark-runtime.classpath"));
        options.add("-Dsparkcluster.bundleJar=" + onlyJar(Path.of(BUNDLE_TARGET).toAbsolutePath(), "zktoolkit-bundle-"));
        options.add("-Dsparkcluster.appJar=" + appJar);
        options.add("-Dsparkcluster.scratch=" + target);
        return new RemoteSideCase("Spark standalone job of 200 tasks on 2 executors, wall time with vs without a partition lock per task",
                "io.zktoolkit.it.sparkcluster.PartitionLockBenchWorld", target.resolve("spark-cluster-it.classpath"),
                List.of(target.resolve("test-classes"), appJar), options, "ms",
                "each task takes its PartitionCommits lock (a sequential node and a children read), commits (one"
                        + " transaction checking the fencing token) and releases it, on its executor's own ZooKeeper client",
                "the same job, each task doing nothing", 1, 5);
    }

    /**
     * The one jar in {@code folder} whose name starts with {@code prefix}, or the path it would have
     * (a missing jar is reported by {@link #setUp()}'s check of the world's class path).
     */
    private static Path onlyJar(Path folder, String prefix) {
        try (Stream<Path> files = Files.isDirectory(folder) ? Files.list(folder) : Stream.empty()) {
            List<Path> jars = files.filter(f -> f.getFileName().toString().startsWith(prefix))
                    .filter(f -> f.getFileName().toString().endsWith(".jar"))
                    .filter(f -> !f.getFileName().toString().matches(".*-(tests|sources|javadoc)\\.jar|original-.*"))
                    .toList();
            return jars.size() == 1 ? jars.get(0) : folder.resolve(prefix + "<version>.jar");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void setUp() throws Exception {
        List<Path> missing = Stream.concat(Stream.of(classpathFile), classpathHead.stream()).filter(Files::notExists).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("The world " + worldMainClass + " is not built: missing " + missing
                    + " (build its module first, for example mvn -pl src-it/sqoop-it -am package -DskipTests,"
                    + " or set -Dzktoolkit.sqoop.it.target and the like)");
        }
        String classpath = Stream.concat(classpathHead.stream().map(p -> p.toAbsolutePath().toString()),
                Stream.of(Files.readString(classpathFile).trim())).collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, worldMainClass));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        world = builder.start();
        commands = world.outputWriter(UTF_8);
        replies = world.inputReader(UTF_8);
        long deadline = System.currentTimeMillis() + READY_WAIT_MS;
        String line;
        while (!"READY".equals(line = nextLine())) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(worldMainClass + " not ready within " + READY_WAIT_MS + " ms" + recentOutput());
            }
        }
    }

    @Override
    public void tearDown() throws Exception {
        if (world == null) {
            return;
        }
        try {
            commands.write("quit\n");
            commands.flush();
        } catch (IOException e) {
            // Already gone; destroyed below either way.
        }
        if (!world.waitFor(30, TimeUnit.SECONDS)) {
            world.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public Side toolkit() {
        return new Side(toolkitDescription, () -> trial("toolkit"));
    }

    @Override
    public Side baseline() {
        return new Side(baselineDescription, () -> trial("baseline"));
    }

    private double trial(String side) throws IOException {
        commands.write(side + "\n");
        commands.flush();
        while (true) {
            String line = nextLine();
            if (line.startsWith("TRIAL ")) {
                return Double.parseDouble(line.substring("TRIAL ".length()).trim());
            }
            if (line.startsWith("STATS ")) {
                // what the world measured besides the time (updates published, batches written): shown, not compared
                System.out.println("    " + side + " " + line);
                continue;
            }
            if (line.startsWith("TRIAL-FAILED")) {
                throw new IllegalStateException(worldMainClass + " " + side + " trial failed: " + line + recentOutput());
            }
        }
    }

    private String nextLine() throws IOException {
        String line = replies.readLine();
        if (line == null) {
            throw new IllegalStateException(worldMainClass + " exited" + recentOutput());
        }
        recent.addLast(line);
        if (recent.size() > KEPT_LINES) {
            recent.removeFirst();
        }
        return line;
    }

    private String recentOutput() {
        return "; its last lines:\n  " + String.join("\n  ", recent);
    }
}
