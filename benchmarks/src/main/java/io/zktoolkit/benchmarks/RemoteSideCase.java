package io.zktoolkit.benchmarks;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

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
    private static final long READY_WAIT_MS = TimeUnit.MINUTES.toMillis(3);
    private static final int KEPT_LINES = 60;

    private final String name;
    private final String worldMainClass;
    private final Path classpathFile;
    private final Path classesDir;
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
     * @param classesDir the world's own classes, put first on its class path
     * @param unit the unit of the world's samples
     */
    RemoteSideCase(String name, String worldMainClass, Path classpathFile, Path classesDir, String unit,
            String toolkitDescription, String baselineDescription, int warmups, int trials) {
        super(unit, Direction.LOWER_IS_BETTER, warmups, trials);
        this.name = name;
        this.worldMainClass = worldMainClass;
        this.classpathFile = classpathFile;
        this.classesDir = classesDir;
        this.toolkitDescription = toolkitDescription;
        this.baselineDescription = baselineDescription;
    }

    /** The Sqoop incremental import: 2 warmups and 10 trials per side, about a second each. */
    public static RemoteSideCase sqoopIncrementalImport() {
        Path target = Path.of(SQOOP_IT_TARGET);
        return new RemoteSideCase("Sqoop incremental append import of 100 new rows, PostgreSQL to local files",
                "io.zktoolkit.it.sqoop.SqoopImportBenchWorld", target.resolve("sqoop-it.classpath"),
                target.resolve("test-classes"), "ms",
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
                target.resolve("test-classes"), "ms",
                "JobProgressListener.install(sc, zk) on an embedded ZooKeeper: application, Spark job and stage on the job"
                        + " board, progress every 200 ms (the world prints task events, updates and ZooKeeper batches per trial)",
                "the same application and job without the listener", 1, 5);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void setUp() throws Exception {
        if (!Files.isRegularFile(classpathFile) || !Files.isDirectory(classesDir)) {
            throw new IllegalStateException("The world " + worldMainClass + " is not built: expected " + classpathFile
                    + " and " + classesDir + " (build its module first, for example mvn -pl src-it/sqoop-it -am"
                    + " test-compile, or set -Dzktoolkit.sqoop.it.target)");
        }
        String classpath = classesDir.toAbsolutePath() + java.io.File.pathSeparator + Files.readString(classpathFile).trim();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", classpath, worldMainClass).redirectErrorStream(true);
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
