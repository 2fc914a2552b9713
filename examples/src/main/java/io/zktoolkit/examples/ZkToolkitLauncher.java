package io.zktoolkit.examples;

import io.zktoolkit.config.ZooKeeperUnavailableException;
import io.zktoolkit.config.embedded.EmbeddedStartException;
import io.zktoolkit.config.settings.SettingsException;
import io.zktoolkit.examples.config.ConfigCommand;
import io.zktoolkit.examples.pipeline.SqoopImportCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code zktoolkit} command line: one subcommand per capability. Errors print one clear
 * message and exit with a documented code; {@code --verbose} adds the stack trace.
 */
@Command(name = "zktoolkit", mixinStandardHelpOptions = true, version = "ZK Toolkit 0.1.0-SNAPSHOT",
        description = "ZooKeeper coordination for Hadoop data jobs.",
        subcommands = {StatusCommand.class, ConfigCommand.class, LocksCommand.class, AuditCommand.class, ServicesCommand.class, JobsCommand.class,
                FleetCommand.class, SqoopImportCommand.class, SparkJobCommand.class, DemoCommand.class,
                QuorumDemoCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the command's work failed", "2:bad command-line arguments",
                "3:the settings file is missing or invalid", "4:ZooKeeper unreachable or embedded server failed"})
public final class ZkToolkitLauncher implements Runnable {
    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces with errors.")
    boolean verbose;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the launcher and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the launcher with the given streams and returns the exit code (for tests and embedding). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        ZkToolkitLauncher launcher = new ZkToolkitLauncher();
        CommandLine cli = new CommandLine(launcher);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + e.getMessage());
            if (launcher.verbose) {
                e.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return exitCodeOf(e);
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a command is required (status, config, locks, audit, services, jobs, fleet, sqoop-import, spark-job, demo)");
    }

    private static int exitCodeOf(Exception e) {
        if (e instanceof SettingsException) {
            return ExitCodes.BAD_SETTINGS;
        }
        if (e instanceof ZooKeeperUnavailableException || e instanceof EmbeddedStartException) {
            return ExitCodes.ZOOKEEPER_UNAVAILABLE;
        }
        return ExitCodes.FAILED;
    }
}
