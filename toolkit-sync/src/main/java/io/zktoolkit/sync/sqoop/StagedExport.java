package io.zktoolkit.sync.sqoop;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.FencedMutex;
import io.zktoolkit.locks.Holder;
import io.zktoolkit.locks.LockInspector;
import io.zktoolkit.locks.LockLease;
import io.zktoolkit.locks.sqoop.SqoopImportGuard;
import io.zktoolkit.sync.SyncException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.sqoop.Sqoop;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Sqoop export of a directory into a table that loads every row once or not at all, one export
 * per table at a time, and never twice for the same input.
 *
 * <pre>{@code
 * ExportResult r = StagedExport.builder(zk, hadoopConf)
 *         .connect("jdbc:postgresql://db:5432/shop", () -> dataSource.getConnection())
 *         .table("orders").stagingTable("orders_staging").exportDir("/warehouse/orders/2024-06-01")
 *         .sqoopArguments("--username", "loader", "--password-file", "/user/loader/.pw",
 *                 "--input-fields-terminated-by", "\\t")
 *         .build().run();
 * }</pre>
 *
 * <p>Steps: hash the input into an {@link ExportId}; if ZooKeeper records it as done, stop. Take
 * the table's {@link FencedMutex} {@code /locks/sqoop-export/<database>/<table>}. If the target
 * database's ledger ({@link ExportLedger}) holds the id, stop (and write the missing ZooKeeper
 * record). Empty the staging table and run {@code sqoop export} into it; on failure empty it
 * again and throw, the target untouched. Then, in <b>one</b> database transaction: check the
 * lock's fencing token against the highest one that wrote this table, copy staging into the target
 * ({@code INSERT INTO t SELECT * FROM staging}, as Sqoop's own {@code --staging-table} does), empty
 * the staging table and insert the id into the ledger; commit. Finally record the id in ZooKeeper
 * under {@code /sqoop-exports/<database>/<table>/<digest>}.
 *
 * <p>The database ledger is the truth: the rows and the id commit together, so a crash between
 * the commit and the ZooKeeper record (or a lost ZooKeeper write) only costs a rerun the lock and
 * one ledger query, and the rerun writes the record. The ZooKeeper record lets a rerun skip
 * without touching the database, and shows every edge node what was exported.
 *
 * <p>The staging table must exist with the target's columns in the same order, and belongs to
 * this export: it is emptied before and after. Sqoop's {@code --staging-table}, {@code --table},
 * {@code --export-dir}, {@code --connect} and {@code --update-key} are set here or refused.
 */
public final class StagedExport {
    /** Where completed exports are recorded, under the client's namespace. */
    public static final String RECORDS = "/sqoop-exports";

    private static final Logger LOG = LoggerFactory.getLogger(StagedExport.class);
    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
    private static final Set<String> OWN_ARGUMENTS = Set.of("--connect", "--table", "--export-dir", "--staging-table",
            "--clear-staging-table", "--update-key", "--update-mode", "--call");

    /** Opens connections to the target database for the move and the ledger. */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    private final ToolkitClient zk;
    private final Configuration conf;
    private final String jdbcUrl;
    private final Connections connections;
    private final String table;
    private final String stagingTable;
    private final String exportDir;
    private final List<String> sqoopArguments;
    private final Duration lockWait;
    private final ExportListener listener;
    private final String database;

    private StagedExport(Builder b) {
        this.zk = b.zk;
        this.conf = b.conf;
        this.jdbcUrl = b.jdbcUrl;
        this.connections = b.connections;
        this.table = b.table;
        this.stagingTable = b.stagingTable;
        this.exportDir = b.exportDir;
        this.sqoopArguments = List.copyOf(b.sqoopArguments);
        this.lockWait = b.lockWait;
        this.listener = b.listener;
        this.database = SqoopImportGuard.sourceId(jdbcUrl);
    }

    /** A builder for an export with this ZooKeeper client and Hadoop configuration. */
    public static Builder builder(ToolkitClient zk, Configuration conf) {
        return new Builder(zk, conf);
    }

    /** The znode recording a completed export of {@code id} into this export's table. */
    public String recordPath(ExportId id) {
        return RECORDS + "/" + database + "/" + table + "/" + id.digest();
    }

    /**
     * Runs the export, or skips it when it was done before.
     *
     * @throws ExportFailedException when Sqoop or the move failed; the target is as it was and the
     *     staging table was emptied
     * @throws SyncException when the table's lock is not free within the wait, or ZooKeeper fails
     * @throws IllegalArgumentException when the export directory is missing or empty
     */
    public ExportResult run() throws IOException {
        ExportId id = ExportId.of(conf, exportDir, table);
        Optional<String> recorded = readRecord(id);
        if (recorded.isPresent()) {
            return skipped(id, "recorded in ZooKeeper at " + recordPath(id) + ": " + recorded.get().replace('\n', ' '));
        }
        String lockPath = FencedMutex.ROOT + "/sqoop-export/" + database + "/" + table;
        LockLease lease = new FencedMutex(zk.curator(), lockPath, Holder.current("sqoop export into " + table))
                .acquire(lockWait)
                .orElseThrow(() -> new SyncException("Table " + table + " of " + database + " is being exported into by "
                        + holderOf(lockPath) + "; waited " + lockWait.toMillis() + " ms"));
        try {
            listener.locked(id, lease.token());
            return exportUnderLock(id, lease);
        } finally {
            listener.unlocking(id);
            lease.release();
        }
    }

    private ExportResult exportUnderLock(ExportId id, LockLease lease) throws IOException {
        Optional<ExportLedger.Entry> done;
        try (Connection c = connections.open()) {
            ExportLedger.ensureTables(c);
            done = ExportLedger.find(c, id.digest());
        } catch (SQLException e) {
            throw new ExportFailedException("Could not read the export ledger " + ExportLedger.LEDGER + " of " + jdbcUrl
                    + ": " + e.getMessage() + "; nothing was exported", e);
        }
        if (done.isPresent()) {
            ExportLedger.Entry entry = done.get();
            writeRecord(id, lease, entry);
            return skipped(id, "recorded in the ledger " + ExportLedger.LEDGER + " of " + jdbcUrl + " (" + entry.rows()
                    + " rows, token " + entry.token() + ", at " + entry.committedAt() + "); ZooKeeper record written");
        }
        clearStaging();
        List<String> args = new ArrayList<>(List.of("export", "--connect", jdbcUrl, "--table", stagingTable,
                "--export-dir", exportDir));
        args.addAll(sqoopArguments);
        int rc = Sqoop.runTool(args.toArray(String[]::new), new Configuration(conf));
        if (rc != 0) {
            clearStaging();
            throw new ExportFailedException("Sqoop export of " + exportDir + " into staging table " + stagingTable
                    + " failed (rc " + rc + ", see Sqoop's log above); target table " + table
                    + " is untouched and the staging table was emptied", null);
        }
        lease.checkHeld();
        ExportLedger.Entry entry = move(id, lease.token());
        listener.committed(id, entry.rows());
        writeRecord(id, lease, entry);
        String message = "Exported " + entry.rows() + " rows of " + exportDir + " into " + table + " (export " + id + ")";
        LOG.info(message);
        return new ExportResult(id, true, entry.rows(), entry.token(), message);
    }

    /** Staging to target, the staging emptied and the ledger row: one transaction. */
    private ExportLedger.Entry move(ExportId id, long token) {
        try (Connection c = connections.open()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                ExportLedger.fence(c, table, token);
                long rows = s.executeUpdate("INSERT INTO " + table + " SELECT * FROM " + stagingTable);
                s.executeUpdate("DELETE FROM " + stagingTable);
                ExportLedger.Entry entry = new ExportLedger.Entry(id.digest(), table, exportDir, rows, token, Instant.now());
                ExportLedger.record(c, entry);
                c.commit();
                return entry;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            clearStaging();
            throw new ExportFailedException("Moving the rows of " + stagingTable + " into " + table + " failed and was"
                    + " rolled back: " + e.getMessage() + "; target table " + table + " is untouched and the staging"
                    + " table was emptied", e);
        }
    }

    private void clearStaging() {
        try (Connection c = connections.open(); Statement s = c.createStatement()) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            s.executeUpdate("DELETE FROM " + stagingTable);
        } catch (SQLException e) {
            throw new ExportFailedException("Could not empty staging table " + stagingTable + " of " + jdbcUrl + ": "
                    + e.getMessage() + " (it must exist with the columns of " + table + ")", e);
        }
    }

    private Optional<String> readRecord(ExportId id) {
        try {
            return Optional.of(new String(zk.curator().getData().forPath(recordPath(id)), StandardCharsets.UTF_8));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw new SyncException("Could not read export record " + recordPath(id) + ": " + e, e);
        }
    }

    /** The shared record; the ledger already holds the truth, so a failure here is only logged. */
    private void writeRecord(ExportId id, LockLease lease, ExportLedger.Entry entry) {
        String path = recordPath(id);
        String text = "table=" + table + "\nexport_dir=" + entry.exportDir() + "\nrows=" + entry.rows()
                + "\ntoken=" + entry.token() + "\ncommitted_at=" + entry.committedAt() + "\nfiles=" + id.files()
                + "\nbytes=" + id.bytes() + "\n";
        try {
            zk.curator().create().creatingParentContainersIfNeeded().forPath(path.substring(0, path.lastIndexOf('/')));
        } catch (KeeperException.NodeExistsException e) {
            // Earlier exports made it.
        } catch (Exception e) {
            LOG.warn("Could not create {} ({}); the ledger of {} still records export {}", path, e, jdbcUrl, id);
            return;
        }
        try {
            lease.fencedWrite(List.of(zk.curator().transactionOp().create().forPath(path, text.getBytes(StandardCharsets.UTF_8))));
        } catch (RuntimeException e) {
            LOG.warn("Could not record export {} at {} ({}); the ledger {} of {} still records it, and the next run"
                    + " of this export writes the record", id, path, e.getMessage(), ExportLedger.LEDGER, jdbcUrl);
        } catch (Exception e) {
            LOG.warn("Could not prepare the record of export {} at {}: {}", id, path, e.toString());
        }
    }

    private ExportResult skipped(ExportId id, String where) {
        String message = "Export " + id + " of " + exportDir + " into " + table + " was already loaded, nothing done: " + where;
        LOG.info(message);
        return new ExportResult(id, false, -1, -1, message);
    }

    private String holderOf(String lockPath) {
        try {
            return new LockInspector(zk).lock(lockPath).map(l -> l.holder().toString()).orElse("another job");
        } catch (Exception e) {
            return "another job";
        }
    }

    /** Options of a {@link StagedExport}. */
    public static final class Builder {
        private final ToolkitClient zk;
        private final Configuration conf;
        private String jdbcUrl;
        private Connections connections;
        private String table;
        private String stagingTable;
        private String exportDir;
        private final List<String> sqoopArguments = new ArrayList<>();
        private Duration lockWait = Duration.ofMinutes(10);
        private ExportListener listener = new ExportListener() {
        };

        private Builder(ToolkitClient zk, Configuration conf) {
            this.zk = Objects.requireNonNull(zk, "zk");
            this.conf = Objects.requireNonNull(conf, "conf");
        }

        /** The target database: Sqoop's {@code --connect}, and connections for the move and the ledger. */
        public Builder connect(String jdbcUrl, Connections connections) {
            this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            this.connections = Objects.requireNonNull(connections, "connections");
            return this;
        }

        /** The target table, {@code name} or {@code schema.name}. */
        public Builder table(String table) {
            this.table = checkedTable("table", table);
            return this;
        }

        /** The staging table: existing, the target's columns in the same order, used by this export only. */
        public Builder stagingTable(String stagingTable) {
            this.stagingTable = checkedTable("stagingTable", stagingTable);
            return this;
        }

        /** The directory to export (a Hadoop path). */
        public Builder exportDir(String exportDir) {
            this.exportDir = Objects.requireNonNull(exportDir, "exportDir");
            return this;
        }

        /** Further {@code sqoop export} arguments: credentials, delimiters, mappers, {@code --bindir} ... */
        public Builder sqoopArguments(String... arguments) {
            for (String argument : arguments) {
                if (OWN_ARGUMENTS.contains(argument)) {
                    throw new IllegalArgumentException("Sqoop argument " + argument + " is not allowed: StagedExport"
                            + " sets --connect, --table and --export-dir itself and does its own staging; allowed are"
                            + " credentials, delimiters, --num-mappers, --bindir, --outdir and the like");
                }
                sqoopArguments.add(argument);
            }
            return this;
        }

        /** How long to wait for another export into the same table; default 10 minutes. */
        public Builder lockWait(Duration lockWait) {
            this.lockWait = Objects.requireNonNull(lockWait, "lockWait");
            return this;
        }

        /** Hears the export's steps. */
        public Builder listener(ExportListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** @throws IllegalStateException naming what is missing */
        public StagedExport build() {
            List<String> missing = new ArrayList<>();
            if (jdbcUrl == null) {
                missing.add("connect");
            }
            if (table == null) {
                missing.add("table");
            }
            if (stagingTable == null) {
                missing.add("stagingTable");
            }
            if (exportDir == null) {
                missing.add("exportDir");
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("A StagedExport needs " + String.join(", ", missing));
            }
            if (table.equalsIgnoreCase(stagingTable)) {
                throw new IllegalStateException("The staging table must differ from the target table " + table);
            }
            return new StagedExport(this);
        }

        private static String checkedTable(String what, String name) {
            if (name == null || !TABLE.matcher(name).matches()) {
                throw new IllegalArgumentException("Invalid " + what + " '" + name + "': use name or schema.name of"
                        + " letters, digits and _, not starting with a digit");
            }
            return name;
        }
    }
}
