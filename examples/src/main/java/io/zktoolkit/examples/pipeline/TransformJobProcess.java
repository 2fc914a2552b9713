package io.zktoolkit.examples.pipeline;

import io.zktoolkit.examples.world.World;
import io.zktoolkit.it.harness.ChildJvm;
import java.io.Closeable;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pipeline's transform job, a real Spark application in a child JVM ({@link World#SPARK},
 * main {@code io.zktoolkit.examples.world.spark.TransformJobMain}): per table of Sqoop text
 * output, rows, distinct ids, duplicate ids and sum(amount), written as Parquet to
 * {@code job.output/table_totals}, under the toolkit's Spark job guard, its progress on the job board.
 *
 * <pre>{@code
 * try (TransformJobProcess job = TransformJobProcess.start(jobProperties, logFile)) {
 *     TransformJobProcess.Result result = job.awaitResult(Duration.ofMinutes(5));
 *     result.tables().get("orders").rows();
 * }
 * }</pre>
 */
public final class TransformJobProcess implements Closeable {
    private static final String MAIN = "io.zktoolkit.examples.world.spark.TransformJobMain";
    /** The child's system property replacing the file's {@code zk.connect} (TransformJobMain.CONNECT_OVERRIDE). */
    static final String CONNECT_OVERRIDE = "zktoolkit.transform.zk.connect";
    /** Prefix of the child's system properties replacing the file's spark.* keys (TransformJobMain.SPARK_OVERRIDE_PREFIX). */
    static final String SPARK_OVERRIDE_PREFIX = "zktoolkit.transform.";
    /** JobProgressListener's key for the board job id. */
    private static final String BOARD_JOB_KEY = "spark.zktoolkit.progress.job";

    private final ChildJvm child;

    private TransformJobProcess(ChildJvm child) {
        this.child = child;
    }

    /**
     * One table's totals, from a {@code RESULT} line.
     *
     * @param table        the table (its input folder's name)
     * @param rows         rows read
     * @param distinctIds  distinct ids
     * @param duplicateIds rows minus distinct ids
     * @param totalAmount  sum of amount
     */
    public record TableResult(String table, long rows, long distinctIds, long duplicateIds, BigDecimal totalAmount) {
    }

    /**
     * How the run ended.
     *
     * @param exitCode   the child's exit code: 0 done, 1 failed (or the job was busy), 3 bad properties,
     *                   4 ZooKeeper unreachable, 75 busy with {@code onBusy=exit}
     * @param guardToken the job guard's fencing token, when the guard was taken
     * @param boardJobId the application's job on the job board, once published
     * @param tables     per-table results by table name, in table order (empty unless it succeeded)
     * @param failure    the child's {@code FAILED} reason, when it failed
     */
    public record Result(int exitCode, Optional<Long> guardToken, Optional<String> boardJobId,
            Map<String, TableResult> tables, Optional<String> failure) {
        /** Copies the map. */
        public Result {
            tables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tables));
        }

        /** Whether the job ran and published its output. */
        public boolean succeeded() {
            return exitCode == 0 && failure.isEmpty();
        }
    }

    /** Starts the job with {@code jobProperties}; its output is also appended to {@code logFile}. */
    public static TransformJobProcess start(Path jobProperties, Path logFile) {
        return builder(jobProperties).logFile(logFile).start();
    }

    /** A builder, for the options {@link #start(Path, Path)} leaves at their defaults. */
    public static Builder builder(Path jobProperties) {
        return new Builder(jobProperties);
    }

    /** Configures a {@link TransformJobProcess}. */
    public static final class Builder {
        private final Path jobProperties;
        private Path logFile;
        private String zkConnect;
        private String boardJobId;
        private SparkDeployment deployment;

        private Builder(Path jobProperties) {
            this.jobProperties = jobProperties.toAbsolutePath();
        }

        /** Also appends the child's output to this file. */
        public Builder logFile(Path value) {
            logFile = value;
            return this;
        }

        /**
         * Replaces the file's {@code zk.connect}: for a file saying {@code embedded}, whose server
         * the caller runs (the child would otherwise start a server of its own).
         */
        public Builder zkConnect(String value) {
            zkConnect = value;
            return this;
        }

        /**
         * The application's job id on the board ({@code spark.zktoolkit.progress.job}), so that the
         * caller can follow it from the start; a {@code spark.zktoolkit.progress.job} in the file wins.
         * Default: {@code <job.name>-<start millis>}, printed by the child as {@code BOARD <id>}.
         */
        public Builder boardJobId(String value) {
            boardJobId = value;
            return this;
        }

        /**
         * Where the application runs and what it ships ({@link SparkDeployment}): these keys win over
         * the file's. Default: the file's {@code spark.*} keys, else {@code local[2]} on loopback.
         */
        public Builder deployment(SparkDeployment value) {
            deployment = value;
            return this;
        }

        /** Starts the child JVM and returns at once. */
        public TransformJobProcess start() {
            ChildJvm.Builder builder = World.SPARK.jvm(MAIN)
                    .name("transform-job")
                    .jvmOption("-Xmx768m")
                    // Spark resolves the host name otherwise, which fails or picks a wrong interface on many machines.
                    .env("SPARK_LOCAL_IP", deployment != null ? deployment.driverHost() : SparkDeployment.LOOPBACK)
                    .args(jobProperties.toString());
            if (deployment != null) {
                deployment.conf().forEach((key, value) -> builder.systemProperty(SPARK_OVERRIDE_PREFIX + key, value));
            }
            if (logFile != null) {
                builder.logFile(logFile);
            }
            if (zkConnect != null) {
                builder.systemProperty(CONNECT_OVERRIDE, zkConnect);
            }
            if (boardJobId != null) {
                // Spark reads spark.* system properties as defaults of its SparkConf, as spark-submit passes --conf.
                builder.systemProperty(BOARD_JOB_KEY, boardJobId);
            }
            return new TransformJobProcess(builder.start());
        }
    }

    /** The board job id, once the child printed it (it does right after Spark started). */
    public Optional<String> boardJobId() {
        return valueOf("BOARD ", child.lines());
    }

    /** Whether the child is running. */
    public boolean isAlive() {
        return child.isAlive();
    }

    /** The child's output lines so far. */
    public List<String> lines() {
        return child.lines();
    }

    /**
     * Waits for the child to exit and parses its output.
     *
     * @throws IllegalStateException when it runs longer than {@code timeout} (it is then killed),
     *         with its last output lines
     */
    public Result awaitResult(Duration timeout) {
        int exitCode;
        try {
            exitCode = child.waitForExit(timeout);
        } catch (AssertionError e) {
            child.close();
            throw new IllegalStateException("The transform job did not finish within " + timeout.toSeconds()
                    + " s and was killed: " + e.getMessage());
        }
        child.close(); // every output line read
        return parse(exitCode, child.lines());
    }

    static Result parse(int exitCode, List<String> lines) {
        Map<String, TableResult> tables = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.startsWith("RESULT ")) {
                String[] f = line.split(" ");
                tables.put(f[1], new TableResult(f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                        new BigDecimal(f[5])));
            }
        }
        Optional<String> failure = valueOf("FAILED ", lines);
        if (exitCode != 0 && failure.isEmpty()) {
            failure = Optional.of("exit code " + exitCode + " without a FAILED line; last output: "
                    + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())));
        }
        return new Result(exitCode, valueOf("GUARD ", lines).map(Long::parseLong), valueOf("BOARD ", lines), tables, failure);
    }

    /** Kills the job's JVM with SIGKILL, as a crashed driver: its guard's lock goes with its session. */
    public void kill9() {
        child.kill9();
    }

    /** Stops the job's JVM if it still runs. */
    @Override
    public void close() {
        child.close();
    }

    private static Optional<String> valueOf(String prefix, List<String> lines) {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().map(l -> l.substring(prefix.length()).strip());
    }
}
