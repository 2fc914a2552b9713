package io.zktoolkit.examples.pipeline;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.sync.state.JobBoard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's Spark step: the transform job ({@link TransformJobProcess}, a child JVM of the Spark
 * world) totals every imported table under the job guard, and its stages' progress is shown live
 * from the job board. Its totals must match the source: rows, and no duplicate id.
 */
final class SparkStage {
    static final String JOB_NAME = "pipeline-totals";
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final ToolkitClient zk;
    private final Timeline timeline;
    private final Path workerProperties;
    private final SparkDeployment deployment;

    SparkStage(ToolkitClient zk, Timeline timeline, Path workerProperties, SparkDeployment deployment) {
        this.zk = zk;
        this.timeline = timeline;
        this.workerProperties = workerProperties;
        this.deployment = deployment;
    }

    /** Runs the job over {@code input}, writing {@code output}; returns the report's lines and adds any broken promise to {@code problems}. */
    List<String> run(Path input, Path output, List<PipelineReport.TableReport> tables, List<String> problems) throws Exception {
        Path jobProperties = jobProperties(input, output);
        String boardJob = JobBoard.toId(JOB_NAME + "-" + System.currentTimeMillis());
        TransformJobProcess.Result result;
        try (JobBoard board = JobBoard.builder(zk).build()) {
            board.start();
            StageProgressPrinter progress = new StageProgressPrinter(boardJob, timeline::progress);
            board.addListener(progress);
            try (TransformJobProcess job = TransformJobProcess.builder(jobProperties).boardJobId(boardJob).deployment(deployment)
                    .logFile(output.resolveSibling("logs").resolve("transform-job.log")).start()) {
                timeline.event("spark", "transform job started (board job " + boardJob + "); " + deployment.describe());
                result = job.awaitResult(TIMEOUT);
            } finally {
                board.removeListener(progress);
            }
        }
        List<String> lines = new ArrayList<>();
        if (!result.succeeded()) {
            problems.add("the Spark transform failed: " + result.failure().orElse("exit code " + result.exitCode()));
            return lines;
        }
        timeline.event("spark", "done under job guard token " + result.guardToken().map(String::valueOf).orElse("?"));
        lines.add("job guard token " + result.guardToken().map(String::valueOf).orElse("?") + ", board job " + boardJob);
        for (PipelineReport.TableReport table : tables) {
            TransformJobProcess.TableResult totals = result.tables().get(table.table());
            if (totals == null) {
                problems.add("the Spark transform has no totals for " + table.table());
                continue;
            }
            lines.add(table.table() + ": " + totals.rows() + " rows, " + totals.duplicateIds() + " duplicate ids, amount "
                    + totals.totalAmount().toPlainString());
            if (totals.rows() != table.sourceRows() || totals.duplicateIds() != 0) {
                problems.add("Spark counted " + totals.rows() + " rows and " + totals.duplicateIds() + " duplicate ids in "
                        + table.table() + ", whose source holds " + table.sourceRows());
            }
        }
        return lines;
    }

    /** The job's settings: the workers' connection to the quorum, and the job's own keys. */
    private Path jobProperties(Path input, Path output) throws IOException {
        Files.createDirectories(output.resolveSibling("logs"));
        Path file = output.resolveSibling("transform-job.properties");
        Files.writeString(file, Files.readString(workerProperties, StandardCharsets.UTF_8) + String.join("\n",
                "job.name=" + JOB_NAME,
                "job.input=" + input.toAbsolutePath(),
                "job.output=" + output.toAbsolutePath(),
                ""), StandardCharsets.UTF_8);
        return file;
    }
}
