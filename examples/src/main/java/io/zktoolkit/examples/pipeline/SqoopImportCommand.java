package io.zktoolkit.examples.pipeline;

import io.zktoolkit.config.settings.PropertiesFile;
import io.zktoolkit.examples.ExitCodes;
import io.zktoolkit.examples.world.World;
import io.zktoolkit.it.harness.ChildJvm;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zktoolkit sqoop-import --config FILE}: one checkpointed incremental Sqoop import, described
 * by a properties file ({@code zk.*} settings and {@code sqoop.*} keys, see
 * {@code conf/sqoop-import.properties}). Sqoop and Hadoop never load in the launcher: the import runs
 * in a child JVM of the Sqoop world ({@code io.zktoolkit.examples.world.sqoop.SqoopImportMain}),
 * whose progress lines this command shows as they come, then a summary. The exit code is the
 * import's: 0 done, 1 the import failed (nothing committed), 3 a bad or missing key, 4 ZooKeeper unreachable.
 */
@Command(name = "sqoop-import", mixinStandardHelpOptions = true,
        description = "Run one checkpointed incremental Sqoop import described by a properties file: the last value"
                + " lives in a fenced ZooKeeper checkpoint, the table's import is guarded, and the output is checked"
                + " against the source before the checkpoint moves. Runs Sqoop in a child JVM (the Sqoop world).")
public final class SqoopImportCommand implements Callable<Integer> {
    static final String MAIN = "io.zktoolkit.examples.world.sqoop.SqoopImportMain";
    private static final Map<String, String> PHASES = Map.of(
            "GUARDED", "table guard held",
            "RECOVERED", "earlier runs checked (crashed output published or deleted)",
            "SQOOP_STARTED", "importing with Sqoop\u2026",
            "SQOOP_RETURNED", "verifying the output against the source\u2026",
            "OUTPUT_CHECKED", "output verified",
            "CHECKPOINT_WRITTEN", "committed: checkpoint written",
            "PUBLISHED", "published into the target");

    private static final Pattern RESULT = Pattern.compile("rows=(\\d+) checkpoint=(.*) target=(.*)");

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "The import's properties file: zk.* settings and sqoop.* keys (see conf/sqoop-import.properties).")
    Path file;

    @Spec
    private CommandSpec spec;

    private volatile String result;
    private volatile String failure;

    @Override
    public Integer call() {
        // A missing, unreadable or malformed file is named here (exit 3), before a JVM starts.
        Map<String, String> keys = PropertiesFile.read(file.toAbsolutePath());
        String table = keys.getOrDefault("sqoop.table", "?").strip();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean verbose = Boolean.TRUE.equals(spec.findOption("--verbose") == null ? null : spec.findOption("--verbose").getValue());
        ChildJvm child = World.SQOOP.jvm(MAIN).name("sqoop-import").jvmOption("-Xmx512m")
                .lineListener(line -> relay(table, line, out, err, verbose))
                .args(file.toAbsolutePath().toString()).start();
        int code;
        try {
            code = child.waitForExit(Duration.ofDays(1));
        } finally {
            // Joins the output reader, so every line has been relayed.
            child.close();
        }
        if (code == ExitCodes.OK && result != null) {
            out.println(summary(table, result));
        } else if (failure == null) {
            err.println("error: the import of " + table + " ended with exit code " + code + " and no result; its last output:");
            List<String> lines = child.lines();
            lines.subList(Math.max(0, lines.size() - 20), lines.size()).forEach(l -> err.println("  " + l));
            code = code == ExitCodes.OK ? ExitCodes.FAILED : code;
        }
        out.flush();
        err.flush();
        return code;
    }

    private void relay(String table, String line, PrintWriter out, PrintWriter err, boolean verbose) {
        String prefix = "[import " + table + "] ";
        if (line.startsWith("PHASE ")) {
            out.println(prefix + phase(line.substring(6)));
            out.flush();
        } else if (line.startsWith("RESULT ")) {
            result = line.substring(7);
        } else if (line.startsWith("FAILED ")) {
            failure = line.substring(7);
            err.println("error: the import of " + table + " failed, nothing was committed: " + failure);
            err.flush();
        } else if (line.startsWith("INVALID ") || line.startsWith("UNREACHABLE ")) {
            failure = line.substring(line.indexOf(' ') + 1);
            err.println("error: " + failure);
            err.flush();
        } else if (verbose) {
            err.println("  " + line);
            err.flush();
        }
    }

    private static String phase(String phase) {
        String[] parts = phase.split(" ", 2);
        String detail = parts.length > 1 ? parts[1] : "";
        return switch (parts[0]) {
            case "CONNECTING" -> "connecting to " + detail + "\u2026";
            case "SOURCE" -> "counted the source: " + group(detail.substring(detail.indexOf('=') + 1)) + " rows";
            case "START" -> detail.equals("checkpoint=none") ? "no checkpoint yet: first import, every row"
                    : "resuming after " + detail;
            // The run id matters once: it names the run's pending folder and is recorded in the checkpoint.
            case "GUARDED" -> PHASES.get("GUARDED") + ", run " + detail;
            // Another import of this table holds its guard; this one waits (up to the guard's wait).
            case "WAITING" -> "waiting for the table's guard: " + detail.replace("holder=", "held by ").replace(" token=", ", token ");
            default -> PHASES.getOrDefault(parts[0], parts[0].toLowerCase());
        };
    }

    private static String summary(String table, String result) {
        // The checkpoint of a lastmodified import is a timestamp with a space, so no split on spaces.
        Matcher m = RESULT.matcher(result);
        if (!m.matches()) {
            return "Import of " + table + " done: " + result;
        }
        if (m.group(1).equals("0")) {
            return "Nothing new in " + table + ": checkpoint stays at " + m.group(2) + ", " + m.group(3) + " unchanged.";
        }
        return "Imported " + group(m.group(1)) + " rows of " + table + " into " + m.group(3) + "; checkpoint now "
                + m.group(2) + ".";
    }

    private static String group(String number) {
        try {
            return String.format("%,d", Long.parseLong(number));
        } catch (NumberFormatException e) {
            return number;
        }
    }
}
