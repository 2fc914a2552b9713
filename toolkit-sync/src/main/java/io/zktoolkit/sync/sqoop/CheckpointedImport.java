package io.zktoolkit.sync.sqoop;

import com.cloudera.sqoop.SqoopOptions;
import com.cloudera.sqoop.tool.ImportTool;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.ConditionalOwnership;
import io.zktoolkit.locks.FencedOwnership;
import io.zktoolkit.locks.LockLease;
import io.zktoolkit.locks.sqoop.GuardedImport;
import io.zktoolkit.locks.sqoop.SqoopImportGuard;
import io.zktoolkit.sync.OutcomeUnknownException;
import io.zktoolkit.sync.checkpoint.Checkpoint;
import io.zktoolkit.sync.checkpoint.CheckpointRecord;
import io.zktoolkit.sync.checkpoint.CheckpointRejectedException;
import io.zktoolkit.sync.checkpoint.CheckpointSnapshot;
import io.zktoolkit.sync.checkpoint.CheckpointStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.sqoop.Sqoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Sqoop incremental import (append or lastmodified) of one table whose last value lives in a
 * fenced {@link Checkpoint} instead of Sqoop's metastore, so that every source row (or row
 * version) reaches the target once, across crashes and concurrent launches.
 *
 * <p>One {@link #run()}:
 * <ol>
 *   <li>takes the table's {@link SqoopImportGuard} (a second launch waits, then finds nothing new;
 *       or fails with {@code ImportBusyException} when the wait is zero);</li>
 *   <li>reads the checkpoint and recovers crashed runs: a run's output waits in
 *       {@code <target>/_pending/<runId>} and the checkpoint write, which records the run id, is the
 *       commit; so pending output of a run the checkpoint names is published now, any other is
 *       deleted;</li>
 *   <li>runs Sqoop in this JVM with {@code --incremental --check-column --last-value <checkpoint>}
 *       into the run's pending folder;</li>
 *   <li>only if Sqoop returned 0 and the output holds as many records as the source has rows in the
 *       run's range, moves the checkpoint (fenced by the guard's lease, never backwards) to Sqoop's
 *       new last value with the run id, then publishes the files into the target.</li>
 * </ol>
 * Sqoop itself moves its last value before the MapReduce job and can return 0 after a failed
 * merge; here neither moves the checkpoint.
 *
 * <pre>{@code
 * CheckpointedImport orders = CheckpointedImport.builder(zk, SqoopImportGuard.forSource(zk, jdbcUrl, 8))
 *         .sqoopArguments(args.arguments())      // --connect, --table, --split-by, ... (no --target-dir)
 *         .mode(IncrementalMode.APPEND).checkColumn("id")
 *         .targetDir("hdfs:///warehouse/orders")
 *         .hadoopConfiguration(conf)
 *         .build();
 * ImportOutcome outcome = orders.run();
 * }</pre>
 *
 * <p>The object holds no connections or threads between runs; nothing to start or close.
 */
public final class CheckpointedImport {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointedImport.class);

    private final SqoopImportGuard guard;
    private final String commitCondition;
    private final int commitConditionVersion;
    private final ImportArguments arguments;
    private final IncrementalMode mode;
    private final String checkColumn;
    private final Configuration conf;
    private final PendingOutput output;
    private final Checkpoint checkpoint;
    private final Duration lockWait;
    private final String initialLastValue;
    private final ImportPhaseListener listener;

    private CheckpointedImport(Builder b) {
        this.guard = b.guard;
        this.commitCondition = b.commitCondition;
        this.commitConditionVersion = b.commitConditionVersion;
        this.conf = new Configuration(b.conf);
        this.mode = Objects.requireNonNull(b.mode, "mode (append or lastmodified) is required");
        if (b.checkColumn == null || b.checkColumn.isBlank()) {
            throw new IllegalArgumentException("A check column is required: the column whose values tell new rows ("
                    + mode.acceptedTypes() + " for " + mode.sqoopName() + ")");
        }
        this.checkColumn = b.checkColumn;
        if (b.arguments == null) {
            throw new IllegalArgumentException("Sqoop import arguments are required (at least --connect and --table)");
        }
        this.arguments = new ImportArguments(b.arguments, conf);
        if (b.targetDir == null) {
            throw new IllegalArgumentException("A target folder is required (targetDir), for example hdfs:///warehouse/"
                    + arguments.table());
        }
        this.output = new PendingOutput(new Path(b.targetDir), conf);
        this.initialLastValue = b.initialLastValue == null ? null : mode.checkLastValue(b.initialLastValue, "Initial last value");
        String name = b.checkpointName != null ? b.checkpointName : "sqoop/" + guard.source() + "/" + arguments.table();
        this.checkpoint = b.store.checkpoint(name, mode.order());
        this.lockWait = b.lockWait;
        this.listener = b.listener;
        // Sqoop's own verdict on the full arguments, before any run.
        arguments.validate(arguments.forRun(mode, checkColumn, initialLastValue, output.dir("validate").toString()));
    }

    /** A builder; the guard names the source and caps its mappers. */
    public static Builder builder(ToolkitClient zk, SqoopImportGuard guard) {
        return new Builder(zk, guard);
    }

    /** The checkpoint holding this import's last value. */
    public Checkpoint checkpoint() {
        return checkpoint;
    }

    /** The target folder, fully qualified. */
    public Path targetDir() {
        return output.target();
    }

    /** The folder a run writes into before it is committed. */
    public Path pendingDir(String runId) {
        return output.dir(runId);
    }

    /**
     * Runs one incremental import.
     *
     * @return what the run imported; {@code committed() == false} when the source had nothing new
     * @throws IncrementalImportException when Sqoop failed or its output did not check out; the
     *     checkpoint did not move and the output was deleted
     * @throws CheckpointRejectedException when the lease was lost before the commit (another run
     *     holds the table now); the output was deleted
     * @throws OutcomeUnknownException when the checkpoint write's outcome is unknown; the output
     *     stays pending, and the next run publishes it if the write landed and deletes it if not
     * @throws io.zktoolkit.locks.sqoop.ImportBusyException when the table stays busy for the lock wait
     * @throws IllegalArgumentException when the check column or the stored checkpoint does not fit the mode
     */
    public ImportOutcome run() {
        try (SourceTable source = SourceTable.open(arguments)) {
            source.checkColumn(checkColumn, mode);
            try (GuardedImport slot = guard.acquire(arguments.table(), arguments.mappers(), lockWait)) {
                return runGuarded(slot, source);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Import of " + arguments.table() + " into " + output.target() + ": " + e, e);
        }
    }

    private ImportOutcome runGuarded(GuardedImport slot, SourceTable source) throws IOException {
        LockLease lease = slot.tableLock();
        String runId = "run-" + lease.token();
        phase(ImportPhase.GUARDED, runId);

        CheckpointSnapshot before = checkpoint.read();
        PendingOutput.Recovery recovery = output.recover(committedRuns(before));
        if (!recovery.published().isEmpty() || !recovery.deleted().isEmpty()) {
            LOG.info("Import of {}: recovered crashed runs; published (checkpoint written) {}, deleted (never committed) {}",
                    arguments.table(), recovery.published(), recovery.deleted());
        }
        phase(ImportPhase.RECOVERED, runId);

        Optional<String> previous = before.value().map(v -> mode.checkLastValue(v, "Checkpoint " + checkpoint.name() + " holds"));
        String lastValue = previous.orElse(initialLastValue);
        String[] args = arguments.forRun(mode, checkColumn, lastValue, output.dir(runId).toString());
        SqoopOptions options = new SqoopOptions(new Configuration(conf));
        phase(ImportPhase.SQOOP_STARTED, runId);
        int rc = Sqoop.runSqoop(new Sqoop(new ImportTool(), new Configuration(conf), options), args);
        String newLastValue = options.getIncrementalLastValue();
        phase(ImportPhase.SQOOP_RETURNED, runId);

        if (rc != 0) {
            output.discard(runId);
            throw new IncrementalImportException(IncrementalImportException.Reason.SQOOP_FAILED, "Import of "
                    + arguments.table() + " run " + runId + ": Sqoop returned " + rc + " (see its log above). Sqoop had moved"
                    + " its own last value to " + newLastValue + " before the job; checkpoint " + checkpoint.name()
                    + " stays at " + describe(lastValue) + " and the run's output was deleted");
        }
        if (newLastValue == null || newLastValue.equals(lastValue)) {
            output.discard(runId);
            LOG.info("Import of {}: nothing new in {} after {}; checkpoint {} unchanged", arguments.table(), checkColumn,
                    describe(lastValue), checkpoint.name());
            return new ImportOutcome(arguments.table(), runId, previous, Optional.ofNullable(lastValue), 0, false,
                    recovery.published(), recovery.deleted());
        }
        mode.checkLastValue(newLastValue, "Sqoop's new last value");

        long records = output.records(runId);
        long rows;
        try {
            rows = source.rowsInRange(mode, checkColumn, lastValue, newLastValue, arguments.whereClause());
        } catch (SQLException e) {
            output.discard(runId);
            throw new IllegalStateException("Import of " + arguments.table() + " run " + runId + ": cannot count the"
                    + " source's rows to check the output (" + e + "); checkpoint unchanged, output deleted", e);
        }
        if (records != rows) {
            output.discard(runId);
            throw new IncrementalImportException(IncrementalImportException.Reason.OUTPUT_MISMATCH, "Import of "
                    + arguments.table() + " run " + runId + ": Sqoop returned 0 but its output holds " + records
                    + " records while the source holds " + rows + " rows with " + checkColumn + " in " + range(lastValue,
                    newLastValue) + ". Checkpoint " + checkpoint.name() + " stays at " + describe(lastValue)
                    + " and the output was deleted; the next run imports the range again");
        }
        phase(ImportPhase.OUTPUT_CHECKED, runId);

        FencedOwnership writer = commitCondition == null ? lease : ConditionalOwnership.of(lease, "import of "
                + arguments.table() + " while " + commitCondition + " stays at version " + commitConditionVersion,
                commitCondition, commitConditionVersion);
        try {
            checkpoint.advance(writer, before, newLastValue, runId);
        } catch (CheckpointRejectedException e) {
            // Never committed, so no one will publish it; the next holder's recovery would delete it too.
            output.discard(runId);
            throw e;
        } finally {
            if (writer != lease) {
                writer.release();
            }
        }
        phase(ImportPhase.CHECKPOINT_WRITTEN, runId);
        output.publish(runId);
        phase(ImportPhase.PUBLISHED, runId);
        LOG.info("Import of {} run {}: {} records in {}, checkpoint {} moved to {}", arguments.table(), runId, records,
                range(lastValue, newLastValue), checkpoint.name(), newLastValue);
        return new ImportOutcome(arguments.table(), runId, previous, Optional.of(newLastValue), records, true,
                recovery.published(), recovery.deleted());
    }

    /** Runs the checkpoint records as written: the current one and the kept earlier ones. */
    private static Set<String> committedRuns(CheckpointSnapshot snapshot) {
        Set<String> runs = new HashSet<>();
        snapshot.current().map(CheckpointRecord::runId).ifPresent(runs::add);
        snapshot.history().forEach(r -> runs.add(r.runId()));
        return runs;
    }

    private String range(String from, String to) {
        if (mode == IncrementalMode.APPEND) {
            return from == null ? "(-inf, " + to + "]" : "(" + from + ", " + to + "]";
        }
        return from == null ? "(-inf, " + to + ")" : "[" + from + ", " + to + ")";
    }

    private static String describe(String lastValue) {
        return lastValue == null ? "no value (first import)" : lastValue;
    }

    private void phase(ImportPhase phase, String runId) {
        listener.reached(phase, runId);
    }

    @Override
    public String toString() {
        return "CheckpointedImport[" + arguments.table() + ", " + mode.sqoopName() + " on " + checkColumn + " into "
                + output.target() + ", " + checkpoint + "]";
    }

    /** Options of a {@link CheckpointedImport}. */
    public static final class Builder {
        private final SqoopImportGuard guard;
        private CheckpointStore store;
        private List<String> arguments;
        private IncrementalMode mode;
        private String checkColumn;
        private String targetDir;
        private Configuration conf = new Configuration();
        private Duration lockWait = Duration.ofMinutes(10);
        private String initialLastValue;
        private String checkpointName;
        private ImportPhaseListener listener = (phase, runId) -> { };
        private String commitCondition;
        private int commitConditionVersion;

        private Builder(ToolkitClient zk, SqoopImportGuard guard) {
            this.guard = Objects.requireNonNull(guard, "guard");
            this.store = CheckpointStore.builder(Objects.requireNonNull(zk, "zk")).build();
        }

        /**
         * Sqoop's import arguments, with or without the tool name {@code import} first (as
         * {@code SqoopImportArguments.arguments()} gives them): at least {@code --connect} and
         * {@code --table}. The import adds {@code --incremental}, {@code --check-column},
         * {@code --last-value} and {@code --target-dir}; giving any of them, or an output other than
         * text, is an error.
         */
        public Builder sqoopArguments(List<String> arguments) {
            this.arguments = List.copyOf(arguments);
            return this;
        }

        /** Append or lastmodified. */
        public Builder mode(IncrementalMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** The column Sqoop checks for new rows: an increasing number (append) or a last-modified timestamp. */
        public Builder checkColumn(String column) {
            this.checkColumn = column;
            return this;
        }

        /** The folder (a Hadoop path or URI) that receives the committed files. */
        public Builder targetDir(String targetDir) {
            this.targetDir = Objects.requireNonNull(targetDir, "targetDir");
            return this;
        }

        /** Hadoop's configuration for Sqoop's job and the target's file system; copied, never changed. */
        public Builder hadoopConfiguration(Configuration conf) {
            this.conf = Objects.requireNonNull(conf, "conf");
            return this;
        }

        /** How long a run waits for the table's guard; zero fails at once when another run holds it. Default 10 min. */
        public Builder lockWait(Duration wait) {
            if (wait.isNegative()) {
                throw new IllegalArgumentException("lockWait must not be negative: " + wait);
            }
            this.lockWait = wait;
            return this;
        }

        /** The last value a first import starts after, when the checkpoint does not exist yet; default none (everything). */
        public Builder initialLastValue(String value) {
            this.initialLastValue = value;
            return this;
        }

        /** The checkpoint's name; default {@code sqoop/<source>/<table>}. */
        public Builder checkpointName(String name) {
            this.checkpointName = name;
            return this;
        }

        /** The store holding the checkpoint; default a {@link CheckpointStore} with default options. */
        public Builder checkpointStore(CheckpointStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Commits (moves the checkpoint) only while {@code path} stays at {@code version}, in the same
         * transaction as the write: for example a task's assignment in a work fleet, so a worker
         * whose task was moved to another cannot commit even while it still holds the table.
         */
        public Builder commitCondition(String path, int version) {
            if (path == null || !path.startsWith("/") || version < 0) {
                throw new IllegalArgumentException("commitCondition needs an absolute znode path and a version of 0 or more, got "
                        + path + " at " + version);
            }
            commitCondition = path;
            commitConditionVersion = version;
            return this;
        }

        /** Told each phase a run reaches, on the importing thread. */
        public Builder phaseListener(ImportPhaseListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * The import.
         *
         * @throws IllegalArgumentException naming what is missing or not usable: no mode or check
         *     column, arguments Sqoop rejects or that the import owns, a non-text output, an initial
         *     last value that does not fit the mode
         */
        public CheckpointedImport build() {
            return new CheckpointedImport(this);
        }
    }
}
