package io.zktoolkit.sync.hive;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.Holder;
import io.zktoolkit.locks.hive.HiveObject;
import io.zktoolkit.sync.SyncException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Publishes table metadata changes: after a DDL statement, {@link #published} reads the table's
 * columns and writes the next schema version of the table to its znode {@code <root>/<db>.<table>}
 * (default root {@value #ROOT}), which every {@link HiveSchemaCache} watches.
 *
 * <p>Versions only go up, by compare-and-set: a publisher reads the znode's version, then the
 * columns, then writes version + 1 on condition that nobody wrote since; if someone did, it reads
 * both again. So two DDLs published at once give two versions, none lost, and the last version's
 * digest was read after every DDL published before it: the newest notice always describes the
 * newest schema. A write whose reply was lost and that Curator repeats is seen as a conflict and
 * publishes once more: a version may be skipped by a reader, never reused.
 *
 * <pre>{@code
 * HiveSchemaNotices notices = HiveSchemaNotices.on(zk);
 * statement.execute("ALTER TABLE sales.orders ADD COLUMNS (channel STRING)");
 * notices.published(HiveObject.table("sales", "orders"), ColumnReader.jdbc(connection));
 * }</pre>
 */
public final class HiveSchemaNotices {
    /** Where schema versions live, under the client's namespace. */
    public static final String ROOT = "/hive-schemas";

    private final CuratorFramework curator;
    private final String root;
    private final Holder publisher;
    private final Clock clock;
    private final Duration operationTimeout;

    /**
     * Notices under {@code root}, naming {@code publisher}.
     *
     * @param operationTimeout how long a publish keeps trying when ZooKeeper is unreachable or writers keep conflicting
     */
    public HiveSchemaNotices(CuratorFramework curator, String root, Holder publisher, Clock clock, Duration operationTimeout) {
        this.curator = Objects.requireNonNull(curator, "curator");
        this.root = ZKPaths.fixForNamespace(null, Objects.requireNonNull(root, "root"));
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.operationTimeout = Objects.requireNonNull(operationTimeout, "operationTimeout");
    }

    /** Notices under {@value #ROOT} on the toolkit's client, published as this process, trying for 30 s. */
    public static HiveSchemaNotices on(ToolkitClient client) {
        return new HiveSchemaNotices(client.curator(), ROOT, Holder.current(), Clock.systemUTC(), Duration.ofSeconds(30));
    }

    /** The root znode. */
    public String root() {
        return root;
    }

    /** The znode of {@code table}'s notices. */
    public String path(HiveObject table) {
        return pathOf(root, table);
    }

    static String pathOf(String root, HiveObject table) {
        if (!table.hasTable() || !table.partitionSpec().isEmpty()) {
            throw new IllegalArgumentException("Schema notices are about tables; '" + table
                    + "' is a " + (table.hasTable() ? "partition" : "database") + ". Name its table (db.table)");
        }
        return ZKPaths.makePath(root, table.database() + "." + table.table());
    }

    /**
     * Reads {@code table}'s columns with {@code columns} and publishes them as the table's next
     * schema version (a table that is gone is published as dropped). Call it after the DDL
     * statement succeeded.
     *
     * @throws SQLException  when the columns could not be read; nothing is published
     * @throws SyncException when ZooKeeper did not take the notice within the operation timeout
     * @throws io.zktoolkit.sync.CorruptSyncDataException when the znode holds something else; it is left as is
     */
    public SchemaNotice published(HiveObject table, ColumnReader columns) throws SQLException {
        String path = path(table);
        long deadline = System.nanoTime() + operationTimeout.toNanos();
        Exception lastFailure = null;
        int conflicts = 0;
        while (System.nanoTime() - deadline < 0) {
            try {
                Stat stat = new Stat();
                Optional<SchemaNotice> previous = read(path, table, stat);
                // The columns are read after the version: see the class comment.
                Optional<List<HiveColumn>> read = columns.columns(table);
                SchemaNotice next = new SchemaNotice(table, previous.map(SchemaNotice::version).orElse(0L) + 1,
                        TableSchema.digestOf(read.isEmpty(), read.orElse(List.of())), read.map(List::size).orElse(0),
                        publisher, clock.instant());
                if (previous.isEmpty()) {
                    curator.create().creatingParentContainersIfNeeded().forPath(path, next.encode());
                } else {
                    curator.setData().withVersion(stat.getVersion()).forPath(path, next.encode());
                }
                return next;
            } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException e) {
                conflicts++;
                lastFailure = e;
            } catch (KeeperException e) {
                lastFailure = e;
                pause();
            } catch (SQLException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw failure(table, path, e, conflicts);
            }
        }
        throw failure(table, path, lastFailure, conflicts);
    }

    /** The latest notice of {@code table}, read from ZooKeeper now; empty when none was published. */
    public Optional<SchemaNotice> latest(HiveObject table) {
        String path = path(table);
        try {
            return read(path, table, new Stat());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw failure(table, path, e, 0);
        }
    }

    private Optional<SchemaNotice> read(String path, HiveObject table, Stat stat) throws Exception {
        try {
            return Optional.of(SchemaNotice.decode(path, table, curator.getData().storingStatIn(stat).forPath(path)));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncException("Interrupted while publishing a schema notice", e);
        }
    }

    private SyncException failure(HiveObject table, String path, Exception e, int conflicts) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new SyncException("Could not publish the schema of " + table + " at " + path + " in ZooKeeper at "
                + curator.getZookeeperClient().getCurrentConnectionString() + " within " + operationTimeout
                + (conflicts > 0 ? " (" + conflicts + " conflicting writes)" : "") + ": " + e, e);
    }
}
