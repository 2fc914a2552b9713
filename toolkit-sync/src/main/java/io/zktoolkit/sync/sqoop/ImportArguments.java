package io.zktoolkit.sync.sqoop;

import io.zktoolkit.config.settings.Redaction;
import com.cloudera.sqoop.SqoopOptions;
import com.cloudera.sqoop.tool.ImportTool;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.ParseException;
import org.apache.hadoop.conf.Configuration;

/**
 * The caller's Sqoop import arguments, checked once, and the full argument list of each run: the
 * same arguments plus the incremental options and the run's pending folder, which the import owns.
 * Sqoop changes the options object it runs with (its last value, its WHERE clause), so every run and
 * every probe parses into a fresh one.
 */
final class ImportArguments {
    private final List<String> base;
    private final Configuration conf;
    private final String table;
    private final int mappers;
    private final String whereClause;

    ImportArguments(List<String> arguments, Configuration conf) {
        List<String> args = new ArrayList<>(arguments);
        if (!args.isEmpty() && args.get(0).equals("import")) {
            args.remove(0);
        }
        this.base = List.copyOf(args);
        this.conf = conf;
        SqoopOptions given = parse(base);
        List<String> problems = new ArrayList<>();
        if (given.getTableName() == null) {
            problems.add("--table is required (a free-form --query import has no table to guard and count)");
        }
        if (given.getIncrementalMode() != SqoopOptions.IncrementalMode.None || given.getIncrementalTestColumn() != null
                || given.getIncrementalLastValue() != null) {
            problems.add("--incremental, --check-column and --last-value are set by the import (mode, check column,"
                    + " and the last value from the checkpoint)");
        }
        if (given.getTargetDir() != null || given.getWarehouseDir() != null) {
            problems.add("--target-dir and --warehouse-dir are set by the import (its target folder)");
        }
        if (given.isAppendMode() || given.getMergeKeyCol() != null || given.doHiveImport() || given.getHBaseTable() != null
                || given.getAccumuloTable() != null || given.getHCatTableName() != null) {
            problems.add("--append, --merge-key, --hive-import, --hbase-table, --accumulo-table and --hcatalog-table"
                    + " are not supported: each run's output must stay in its own pending folder until committed");
        }
        if (given.getFileLayout() != SqoopOptions.FileLayout.TextFile) {
            problems.add("--as-" + given.getFileLayout().name().toLowerCase(java.util.Locale.ROOT)
                    + " is not supported: the output check counts the records of text files");
        }
        if (given.getOutputRecordDelim() != '\n') {
            problems.add("--lines-terminated-by must stay a newline: the output check counts lines");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Sqoop arguments not usable for a checkpointed incremental import"
                    + (given.getTableName() == null ? "" : " of " + given.getTableName()) + ":"
                    + problems.stream().map(p -> System.lineSeparator() + "  - " + p).reduce("", String::concat));
        }
        this.table = given.getTableName();
        this.mappers = given.getNumMappers();
        this.whereClause = given.getWhereClause();
    }

    String table() {
        return table;
    }

    int mappers() {
        return mappers;
    }

    /** The caller's own {@code --where}, which Sqoop adds to the incremental range; null if none. */
    String whereClause() {
        return whereClause;
    }

    /** A fresh parse of the caller's arguments, for a connection to the source. */
    SqoopOptions probe() {
        return parse(base);
    }

    /** The arguments of one run (no tool name), incremental options and target folder added. */
    String[] forRun(IncrementalMode mode, String checkColumn, String lastValue, String targetDir) {
        List<String> args = new ArrayList<>(base);
        args.addAll(List.of("--incremental", mode.sqoopName(), "--check-column", checkColumn, "--target-dir", targetDir));
        if (lastValue != null) {
            args.addAll(List.of("--last-value", lastValue));
        }
        return args.toArray(String[]::new);
    }

    /** Sqoop's own check of a run's arguments, without running it: Sqoop's message on a bad combination. */
    void validate(String[] runArgs) {
        ImportTool tool = new ImportTool();
        try {
            tool.validateOptions(tool.parseArguments(runArgs, new Configuration(conf), new SqoopOptions(new Configuration(conf)), false));
        } catch (ParseException | SqoopOptions.InvalidOptionsException e) {
            throw new IllegalArgumentException("Sqoop rejects the import arguments " + String.join(" ", redacted(runArgs))
                    + ": " + e.getMessage(), e);
        }
    }

    private SqoopOptions parse(List<String> args) {
        ImportTool tool = new ImportTool();
        try {
            return (SqoopOptions) tool.parseArguments(args.toArray(String[]::new), new Configuration(conf),
                    new SqoopOptions(new Configuration(conf)), false);
        } catch (ParseException | SqoopOptions.InvalidOptionsException e) {
            throw new IllegalArgumentException("Sqoop cannot parse the import arguments " + String.join(" ", redacted(args.toArray(String[]::new)))
                    + ": " + e.getMessage(), e);
        }
    }

    /** The arguments with passwords masked ({@link Redaction#arguments}). */
    static List<String> redacted(String[] args) {
        return Redaction.arguments(List.of(args));
    }
}
