package io.zktoolkit.examples.world.sqoop;

import io.zktoolkit.config.settings.Redaction;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.settings.SettingsException;
import io.zktoolkit.sync.sqoop.CheckpointedImport;
import io.zktoolkit.sync.sqoop.ImportOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The launcher's {@code sqoop-import} in its own JVM: {@code SqoopImportMain <import.properties>}
 * runs one checkpointed incremental import described by the file ({@code zk.*} settings plus the
 * {@code sqoop.*} keys of {@link ImportJob}).
 *
 * <p>Lines printed on stdout, in order:
 * <ul>
 *   <li>{@code PHASE CONNECTING <jdbc-url>}, {@code PHASE SOURCE rows=<n>} (the source answered with the
 *       role and password; {@code n} rows in the table), {@code PHASE START checkpoint=<value|none>};</li>
 *   <li>{@code PHASE <name> <run-id>} for each step of the run, {@code name} an
 *       {@link io.zktoolkit.sync.sqoop.ImportPhase}: GUARDED, RECOVERED, SQOOP_STARTED, SQOOP_RETURNED,
 *       OUTPUT_CHECKED, CHECKPOINT_WRITTEN, PUBLISHED (the last three only when rows were new);</li>
 *   <li>{@code RESULT rows=<n> checkpoint=<value|none> target=<dir>} and exit code 0 (a lastmodified
 *       checkpoint is a timestamp holding a space: read up to {@code " target="}, not to the next space);</li>
 *   <li>or {@code FAILED <reason>} and exit code 1 when the import failed (nothing committed);
 *       {@code INVALID <message>} and exit code 3 for a bad or missing key, naming the file and the key,
 *       before any Sqoop work; {@code UNREACHABLE <message>} and exit code 4 when ZooKeeper cannot be
 *       reached (the message names the connect string).</li>
 * </ul>
 */
public final class SqoopImportMain {
    private SqoopImportMain() {
    }

    public static void main(String[] args) {
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
        if (args.length != 1) {
            Console.say("INVALID usage: SqoopImportMain <import.properties>");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        ImportJob job;
        try {
            ToolkitSettings.load(file);
            job = ImportJob.read(file);
        } catch (SettingsException e) {
            Console.say("INVALID " + Console.reason(e));
            System.exit(ExitOnStartFailure.BAD_SETTINGS);
            return;
        }
        CheckpointedImport importer;
        try (ToolkitClient zk = ExitOnStartFailure.connect(file);
                GuardWaitReporter waiting = new GuardWaitReporter(job.source().guard(zk), job.table())) {
            try {
                importer = job.source().builder(zk, job.table(), job.workDir())
                        .mode(job.mode()).checkColumn(job.checkColumn()).targetDir(job.targetDir())
                        .phaseListener((phase, runId) -> {
                            waiting.close();
                            Console.say("PHASE " + phase + " " + runId);
                        })
                        .build();
            } catch (IllegalArgumentException e) {
                // Sqoop's own check of the arguments, before any work.
                Console.say("INVALID " + file.toAbsolutePath() + ": " + Console.reason(e));
                System.exit(ExitOnStartFailure.BAD_SETTINGS);
                return;
            }
            waiting.start();
            System.exit(run(job, importer));
        }
    }

    private static int run(ImportJob job, CheckpointedImport importer) {
        try {
            Console.say("PHASE CONNECTING " + Redaction.jdbcUrl(job.source().jdbcUrl()));
            Console.say("PHASE SOURCE rows=" + countRows(job));
            Console.say("PHASE START checkpoint=" + importer.checkpoint().read().value().orElse("none"));
            ImportOutcome outcome = importer.run();
            Console.say("RESULT rows=" + outcome.records() + " checkpoint=" + outcome.lastValue().orElse("none")
                    + " target=" + shown(importer.targetDir().toUri()));
            return 0;
        } catch (Exception e) {
            Console.say("FAILED " + Console.reason(e));
            return 1;
        }
    }

    /** A local folder as its path, anything else as its URI. */
    private static String shown(java.net.URI target) {
        return "file".equals(target.getScheme()) ? target.getPath() : target.toString();
    }

    /**
     * Logs in as the import will, so that a wrong password or a missing table fails with the
     * driver's own words before Sqoop starts (Sqoop would log them and report something vaguer).
     */
    private static long countRows(ImportJob job) throws SQLException, java.io.IOException {
        // Sqoop reads the password file as it is, so do the same.
        String password = Files.readString(job.source().passwordFile());
        try (Connection c = DriverManager.getConnection(job.source().jdbcUrl(), job.source().username(), password);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + job.table())) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new SQLException("Source " + Redaction.jdbcUrl(job.source().jdbcUrl()) + " as " + job.source().username() + ": "
                    + e.getMessage(), e.getSQLState(), e);
        }
    }
}
