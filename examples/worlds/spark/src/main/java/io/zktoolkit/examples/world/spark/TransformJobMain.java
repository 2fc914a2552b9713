package io.zktoolkit.examples.world.spark;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.ZooKeeperUnavailableException;
import io.zktoolkit.config.embedded.EmbeddedStartException;
import io.zktoolkit.config.settings.SettingsException;
import io.zktoolkit.locks.spark.JobBusyException;
import io.zktoolkit.locks.spark.SparkJobGuard;
import io.zktoolkit.sync.spark.JobProgressListener;
import io.zktoolkit.sync.state.JobBoard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The pipeline's transform job, a real Spark application: {@code TransformJobMain <job.properties>}
 * (keys in {@link TransformJobConfig}). Under the toolkit's {@link SparkJobGuard} (one driver per
 * job name; a second one is refused or waits, per {@code spark.zktoolkit.job.guard.onBusy}) and
 * with its progress on the job board ({@link JobProgressListener}), it computes
 * {@link TableTotals} per table and writes them as Parquet to {@code job.output/table_totals},
 * published under the guard's fenced partition commit ({@link FencedPublish}).
 *
 * <p>Output lines the launcher parses: {@code BOARD <board-job-id>}, {@code GUARD <token>},
 * {@code RESULT <table> <rows> <distinct> <duplicates> <sum>} per table, {@code DONE <board-job-id>};
 * or {@code FAILED <reason>}. Exit codes: 0 done, 1 failed (also: the job is busy with
 * {@code onBusy=fail-fast}), 3 bad properties (naming the file and key), 4 ZooKeeper unreachable,
 * 75 busy with {@code onBusy=exit} (the guard's own code).
 */
public final class TransformJobMain {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int BAD_PROPERTIES = 3;
    static final int ZOOKEEPER_UNAVAILABLE = 4;
    /** System property replacing the file's {@code zk.connect}. */
    public static final String CONNECT_OVERRIDE = "zktoolkit.transform.zk.connect";
    /**
     * Prefix of the system properties whose {@code spark.*} rest replaces the file's key
     * ({@code -Dzktoolkit.transform.spark.master=spark://m:7077}): the launcher's
     * {@code --spark-master} and the jars it ships.
     */
    public static final String SPARK_OVERRIDE_PREFIX = "zktoolkit.transform.";

    private TransformJobMain() {
    }

    public static void main(String[] args) {
        // The launcher may die by kill -9: this job must not run on unsupervised, holding the job's lock.
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
        if (args.length != 1) {
            System.out.println("FAILED usage: TransformJobMain <job.properties>");
            System.exit(BAD_PROPERTIES);
        }
        System.exit(run(Path.of(args[0])));
    }

    static int run(Path file) {
        TransformJobConfig config;
        try {
            if (!Files.isRegularFile(file)) {
                System.out.println("FAILED " + file + ": no such properties file");
                return BAD_PROPERTIES;
            }
            config = TransformJobConfig.load(file, sparkOverrides());
        } catch (TransformJobConfig.BadPropertyException e) {
            System.out.println("FAILED " + e.getMessage());
            return BAD_PROPERTIES;
        }
        try (ToolkitClient zk = ToolkitClient.open(settings(file))) {
            return runConnected(zk, config);
        } catch (SettingsException e) {
            System.out.println("FAILED " + oneLine(e.getMessage()));
            return BAD_PROPERTIES;
        } catch (ZooKeeperUnavailableException | EmbeddedStartException e) {
            System.out.println("FAILED ZooKeeper unreachable: " + oneLine(e.getMessage()));
            return ZOOKEEPER_UNAVAILABLE;
        }
    }

    private static Map<String, String> sparkOverrides() {
        Map<String, String> overrides = new TreeMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith(SPARK_OVERRIDE_PREFIX + "spark."))
                .forEach(k -> overrides.put(k.substring(SPARK_OVERRIDE_PREFIX.length()), System.getProperty(k)));
        return overrides;
    }

    /**
     * The file's {@code zk.*} settings; {@value #CONNECT_OVERRIDE} replaces {@code zk.connect}: when the
     * file says {@code embedded}, the launcher runs that server itself (it follows the job board
     * there) and tells this JVM where it is.
     */
    private static ToolkitSettings settings(Path file) {
        ToolkitSettings settings = ToolkitSettings.load(file);
        String connect = System.getProperty(CONNECT_OVERRIDE);
        return connect == null ? settings : settings.toBuilder().set(ToolkitKeys.CONNECT, connect).build();
    }

    private static int runConnected(ToolkitClient zk, TransformJobConfig config) {
        // spark.* system properties are defaults (as spark-submit's --conf), the file's keys win.
        SparkConf conf = new SparkConf(true);
        config.sparkConf().forEach(conf::set);
        String boardJob = conf.get("spark.zktoolkit.progress.job", JobBoard.toId(config.name() + "-" + System.currentTimeMillis()));
        conf.set("spark.zktoolkit.progress.job", boardJob);
        SparkJobGuard guard;
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        int exitCode = FAILED;
        try {
            try {
                guard = SparkJobGuard.fromConf(zk, spark.sparkContext());
                JobProgressListener.install(spark.sparkContext(), zk);
            } catch (IllegalArgumentException e) {
                System.out.println("FAILED " + config.file() + ": " + oneLine(e.getMessage()));
                exitCode = BAD_PROPERTIES;
                return BAD_PROPERTIES;
            }
            System.out.println("BOARD " + boardJob);
            exitCode = runGuarded(spark, guard, config);
        } finally {
            // Stopping ends the application on the board, FAILED for a non-zero code (the listener
            // reads the code Spark reports); DONE comes after, so whoever follows the board sees the end.
            spark.sparkContext().stop(exitCode);
        }
        if (exitCode == OK) {
            System.out.println("DONE " + boardJob);
        }
        return exitCode;
    }

    private static int runGuarded(SparkSession spark, SparkJobGuard guard, TransformJobConfig config) {
        try {
            guard.start();
        } catch (JobBusyException e) {
            System.out.println("FAILED job busy: " + oneLine(e.getMessage()));
            return FAILED;
        } catch (ZooKeeperUnavailableException e) {
            System.out.println("FAILED ZooKeeper unreachable: " + oneLine(e.getMessage()));
            return ZOOKEEPER_UNAVAILABLE;
        }
        try {
            System.out.println("GUARD " + guard.token());
            // The stage names the board shows (Spark's default is an internal call site of the DataFrame code).
            spark.sparkContext().setCallSite("table totals");
            List<TableTotals> totals = TableTotals.compute(spark, config.tables());
            Path staged = config.output().resolve("_staging").resolve("table_totals-run-" + guard.token());
            spark.sparkContext().setCallSite("write staged parquet");
            TableTotals.toDataFrame(spark, totals).write().mode(SaveMode.Overwrite).parquet(staged.toUri().toString());
            guard.checkHeld();
            spark.sparkContext().setCallSite("fenced publish");
            String commit = FencedPublish.publish(spark, guard.partitionCommits(), staged, config.totals());
            if (!commit.startsWith("COMMITTED")) {
                System.out.println("FAILED output not published: " + commit);
                return FAILED;
            }
            guard.checkHeld();
            totals.forEach(t -> System.out.println(t.resultLine()));
            return OK;
        } catch (RuntimeException e) {
            System.out.println("FAILED " + oneLine(String.valueOf(rootMessage(e))));
            e.printStackTrace(System.err);
            return FAILED;
        } finally {
            guard.close();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == e ? e.toString() : e + " (cause: " + cause + ")";
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replace('\n', ' ').replace('\r', ' ');
    }
}
