package io.zktoolkit.examples.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a demo run did and whether it held its promises: every source row imported exactly once,
 * each table's checkpoint at its last row, a failover when faults were injected, and the Spark and
 * Hive views agreeing with the source.
 */
public record PipelineReport(List<TableReport> tables, List<String> leaders, List<String> failovers,
        List<String> configChanges, List<String> sparkResults, List<String> hiveRows, Map<String, Duration> stages,
        Duration elapsed, List<String> problems) {

    /** One table: what the source holds against what landed and where its checkpoint stands. */
    public record TableReport(String table, long sourceRows, long landedRows, long distinctRows, long missing,
            String checkpoint) {
        public boolean exactlyOnce() {
            return landedRows == sourceRows && distinctRows == sourceRows && missing == 0;
        }

        public boolean checkpointRight() {
            return Long.toString(sourceRows).equals(checkpoint);
        }
    }

    public PipelineReport {
        tables = List.copyOf(tables);
        leaders = List.copyOf(leaders);
        failovers = List.copyOf(failovers);
        configChanges = List.copyOf(configChanges);
        sparkResults = List.copyOf(sparkResults);
        hiveRows = List.copyOf(hiveRows);
        stages = new LinkedHashMap<>(stages);
        problems = List.copyOf(problems);
    }

    /** True when the run kept every promise; {@link #problems} says what broke otherwise. */
    public boolean succeeded() {
        return problems.isEmpty();
    }

    /** The report as printed at the end of the demo. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-12s %8s %8s %8s %8s  %-10s %s", "table", "source", "landed", "distinct",
                "missing", "checkpoint", "verdict"));
        for (TableReport t : tables) {
            lines.add(String.format(Locale.ROOT, "%-12s %8d %8d %8d %8d  %-10s %s", t.table(), t.sourceRows(), t.landedRows(),
                    t.distinctRows(), t.missing(), t.checkpoint(),
                    t.exactlyOnce() && t.checkpointRight() ? "every row once" : "WRONG"));
        }
        section(lines, "Who led the import fleet", leaders);
        section(lines, "What failed over", failovers);
        section(lines, "Live configuration", configChanges);
        section(lines, "Spark transform (under the job guard)", sparkResults);
        section(lines, "Hive (stock hive-jdbc through the ZooKeeper URL)", hiveRows);
        lines.add("");
        lines.add("Time per stage:");
        stages.forEach((stage, took) -> lines.add(String.format(Locale.ROOT, "  %-28s %6.1f s", stage, took.toMillis() / 1000.0)));
        lines.add(String.format(Locale.ROOT, "  %-28s %6.1f s", "total", elapsed.toMillis() / 1000.0));
        lines.add("");
        if (succeeded()) {
            lines.add("RESULT: every row imported exactly once, checkpoints right"
                    + (failovers.isEmpty() ? "" : ", work failed over") + ".");
        } else {
            lines.add("RESULT: FAILED");
            problems.forEach(p -> lines.add("  - " + p));
        }
        return lines;
    }

    private static void section(List<String> lines, String title, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        lines.add("");
        lines.add(title + ":");
        items.forEach(i -> lines.add("  " + i));
    }
}
