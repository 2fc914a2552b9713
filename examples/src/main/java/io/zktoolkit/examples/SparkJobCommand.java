package io.zktoolkit.examples;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.settings.Interpolator;
import io.zktoolkit.config.settings.PropertiesFile;
import io.zktoolkit.config.settings.SettingsException;
import io.zktoolkit.examples.pipeline.SparkDeployment;
import io.zktoolkit.examples.pipeline.StageProgressPrinter;
import io.zktoolkit.examples.pipeline.TransformJobProcess;
import io.zktoolkit.sync.state.JobBoard;
import io.zktoolkit.sync.state.JobStateException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zktoolkit spark-job --config FILE}: runs the transform job, a real Spark application, in
 * its own JVM (Spark never shares the launcher's class path) under the toolkit's Spark job guard,
 * and shows its stages' progress live from the job board. The exit code is the job's.
 */
@Command(name = "spark-job", mixinStandardHelpOptions = true,
        description = {"Run the transform job (per table of Sqoop text output: rows, distinct and duplicate ids,"
                + " sum of amount, written as Parquet) as a real Spark application under the job guard,"
                + " showing each Spark stage's progress from the job board, then the results.",
                "A second run of the same job.name while one runs is refused (or waits, with"
                + " spark.zktoolkit.job.guard.onBusy=wait)."})
final class SparkJobCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "The job's properties: zk.*, job.name, job.input, job.output, spark.* such as spark.master"
                    + " (see conf/spark-job.properties).")
    Path config;

    @Option(names = "--timeout", paramLabel = "TIME", defaultValue = "30m", converter = DurationConverter.class,
            description = "Kill the job if it runs longer (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--log", paramLabel = "FILE",
            description = "Where the job's own output goes (default: a new file in the temporary folder).")
    Path log;

    @Mixin
    private SparkOptions sparkOptions;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isRegularFile(config)) {
            throw new SettingsException(config.toString(), "no such file; pass the job's properties file"
                    + " (an example: conf/spark-job.properties)", null);
        }
        String source = config.toAbsolutePath().toString();
        Map<String, String> keys = PropertiesFile.read(config.toAbsolutePath());
        ToolkitSettings settings = ToolkitSettings.fromMap(keys, source, Interpolator.ofProcess(config.toAbsolutePath().getParent()));
        // Before anything starts: a bad spark.master or an unbuilt jar is reported at once.
        SparkDeployment deployment = sparkOptions.resolve(keys, source);
        Path logFile = log != null ? log : Files.createTempFile("zktoolkit-spark-job-", ".log");
        long start = System.nanoTime();
        try (ToolkitClient zk = ToolkitClient.open(settings);
                JobBoard board = JobBoard.builder(zk).cleanupEvery(Duration.ofDays(365)).build()) {
            board.start();
            String boardJob = JobBoard.toId(jobName(keys) + "-" + System.currentTimeMillis());
            StageProgressPrinter progress = new StageProgressPrinter(boardJob, line -> {
                out.println(line);
                out.flush();
            });
            board.addListener(progress);
            out.println("Spark job " + config + " (board job " + boardJob + ", log " + logFile + ")");
            out.println(deployment.describe());
            deployment.unreachableDriverWarning().ifPresent(out::println);
            out.flush();
            TransformJobProcess.Result result;
            try (TransformJobProcess job = TransformJobProcess.builder(config).logFile(logFile).boardJobId(boardJob)
                    .deployment(deployment)
                    // An embedded server lives in this JVM: the job connects to it instead of starting its own.
                    .zkConnect(settings.isEmbedded() ? zk.connectString() : null)
                    .start()) {
                result = job.awaitResult(timeout);
                if (result.boardJobId().isPresent()) {
                    awaitBoardEnd(board, result.boardJobId().get());
                }
            } finally {
                board.removeListener(progress);
            }
            printSummary(out, result, Duration.ofNanos(System.nanoTime() - start));
            if (!result.succeeded()) {
                spec.commandLine().getErr().println("error: " + result.failure().orElse("exit code " + result.exitCode())
                        + " (job log: " + logFile + ")");
            }
            return result.exitCode();
        }
    }

    /** The job wrote its end before exiting; this board's watch may see it a moment later. */
    private static void awaitBoardEnd(JobBoard board, String jobId) throws InterruptedException {
        try {
            board.awaitFinished(jobId, Duration.ofSeconds(2));
        } catch (JobStateException e) {
            // The summary comes from the job's own output; the board's last word is only for the progress lines.
        }
    }

    private static void printSummary(PrintWriter out, TransformJobProcess.Result result, Duration took) {
        result.guardToken().ifPresent(t -> out.println("guard token " + t));
        if (!result.tables().isEmpty()) {
            out.printf("%-20s %10s %12s %13s %16s%n", "table", "rows", "distinct ids", "duplicate ids", "total amount");
            result.tables().values().forEach(t -> out.printf("%-20s %10d %12d %13d %16s%n", t.table(), t.rows(),
                    t.distinctIds(), t.duplicateIds(), t.totalAmount().toPlainString()));
        }
        out.printf("%s in %.1f s (exit code %d)%n", result.succeeded() ? "done" : "FAILED", took.toMillis() / 1000.0,
                result.exitCode());
        out.flush();
    }

    /** The job's name for the board id; the job itself checks it (and reports a missing one, naming the file). */
    private static String jobName(Map<String, String> keys) {
        String name = keys.getOrDefault("job.name", "").strip();
        return name.isEmpty() ? "spark-job" : name;
    }
}
