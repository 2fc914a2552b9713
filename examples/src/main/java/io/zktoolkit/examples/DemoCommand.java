package io.zktoolkit.examples;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.settings.SettingsException;
import io.zktoolkit.examples.pipeline.PipelineDemo;
import io.zktoolkit.examples.pipeline.PipelineOptions;
import io.zktoolkit.examples.pipeline.PipelineReport;
import io.zktoolkit.examples.pipeline.SparkDeployment;
import io.zktoolkit.examples.pipeline.Timeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zktoolkit demo}: the pipeline demo on embedded defaults (see {@link PipelineDemo}). */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run a small but real data pipeline on an embedded 3-server ZooKeeper quorum: a PostgreSQL "
                + "source, a fleet of Sqoop import workers led by an elected leader (per-table locks, a source cap, "
                + "checkpoints in ZooKeeper), a Spark job under a job guard, and the Spark Thrift Server registered "
                + "for the stock hive-jdbc driver. Mid-run a worker is killed with kill -9, a ZooKeeper server is "
                + "stopped and the configuration changes; the report checks that every row was imported once.",
                "Reads the bundled demo.properties unless --config is given; the live configuration comes from the "
                        + "bundled pipeline.properties unless --pipeline is given. Exits 0 when the report holds, 1 otherwise."})
final class DemoCommand implements Callable<Integer> {
    @Mixin
    private SettingsOption settingsOption;
    @Mixin
    private SparkOptions sparkOptions;
    @Spec
    private CommandSpec spec;

    @Option(names = "--tables", split = ",", paramLabel = "TABLE", defaultValue = "orders,customers,payments,shipments",
            description = "Source tables (default: ${DEFAULT-VALUE}).")
    private List<String> tables;
    @Option(names = "--rows", defaultValue = "500", description = "Rows per table at the start (default: ${DEFAULT-VALUE}).")
    private int rows;
    @Option(names = "--new-rows", defaultValue = "100",
            description = "Rows added per table before the second, incremental import round; 0 skips it (default: ${DEFAULT-VALUE}).")
    private int newRows;
    @Option(names = "--workers", defaultValue = "3", description = "Import worker JVMs (default: ${DEFAULT-VALUE}).")
    private int workers;
    @Option(names = "--no-faults", negatable = false, description = "Kill nothing and change no configuration mid-run.")
    private boolean noFaults;
    @Option(names = "--no-spark", negatable = false, description = "Skip the Spark transform (and so the Hive step).")
    private boolean noSpark;
    @Option(names = "--no-hive", negatable = false, description = "Skip the Thrift Server and the hive-jdbc query.")
    private boolean noHive;
    @Option(names = "--pipeline", paramLabel = "FILE",
            description = "Properties file loaded as the live configuration set 'pipeline' (default: the bundled example).")
    private Path pipeline;
    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where the run keeps its files: source database, imports, warehouse, logs (default: a new temporary folder).")
    private Path workDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (pipeline != null && !Files.isRegularFile(pipeline)) {
            throw new SettingsException(pipeline.toString(), List.of(new SettingsException.Problem("--pipeline",
                    "no such file; give a properties file of import.mappers, import.fetch-size and source.max-mappers")));
        }
        SettingsOption.SettingsFile file = settingsOption.read("demo.properties");
        ToolkitSettings settings = file.settings();
        // Before anything starts: a bad spark.master or an unbuilt jar is reported at once.
        SparkDeployment deployment = noSpark ? SparkDeployment.embedded() : sparkOptions.resolve(file.keys(), file.source());
        PipelineOptions options;
        try {
            options = new PipelineOptions(tables, rows, newRows, workers, !noFaults, !noSpark,
                    !noSpark && !noHive, pipeline, workDir != null ? workDir : newWorkDir(), deployment);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (!settings.isEmbedded() || settings.get(ToolkitKeys.EMBEDDED_SERVERS) < 3) {
            throw new SettingsException(settings.source(), List.of(new SettingsException.Problem(
                    ToolkitKeys.EMBEDDED_SERVERS.name(), "the demo stops a server of an embedded quorum, so it needs "
                    + "zk.connect=embedded and zk.embedded.servers=3 or 5")));
        }
        Timeline timeline = new Timeline(out);
        out.println("Work folder: " + options.workDir().toAbsolutePath());
        if (options.spark()) {
            out.println(deployment.describe());
            deployment.unreachableDriverWarning().ifPresent(out::println);
        }
        try (ToolkitClient zk = ToolkitClient.open(settings); PipelineDemo demo = new PipelineDemo(zk, options, timeline)) {
            PipelineReport report = demo.run();
            timeline.stage("Report");
            report.lines().forEach(out::println);
            out.flush();
            return report.succeeded() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    private static Path newWorkDir() throws IOException {
        return Files.createTempDirectory("zktoolkit-demo-");
    }
}
