package io.zktoolkit.locks.sqoop;

import io.zktoolkit.config.settings.Redaction;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.FencedMutex;
import io.zktoolkit.locks.FencedSemaphore;
import io.zktoolkit.locks.FencedSemaphore.SemaphoreLease;
import io.zktoolkit.locks.Holder;
import io.zktoolkit.locks.LockInspector;
import io.zktoolkit.locks.LockLease;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps a fleet of Sqoop imports from colliding or overloading a source database: one import per
 * table at a time (a {@link FencedMutex} per source and table), and at most a configured number
 * of mappers against one source database (a {@link FencedSemaphore} whose leases are mappers).
 * An import takes its table lock first, then as many mapper leases as it runs mappers, all or
 * nothing, and gives everything back when it ends or its process dies.
 *
 * <pre>{@code
 * SqoopImportGuard guard = SqoopImportGuard.forSource(zk, jdbcUrl, 8);
 * try (GuardedImport slot = guard.acquire("orders", 2, Duration.ofMinutes(10))) {
 *     int rc = Sqoop.runTool(args, conf);
 * }
 * }</pre>
 */
public final class SqoopImportGuard {
    private final ToolkitClient zk;
    private final String source;
    private final FencedSemaphore mappers;
    private final int maxMappers;

    /** A user or password given as a {@code ;key=value} property (SQL Server, DB2). */
    private static final java.util.regex.Pattern CREDENTIAL_PROPERTY = java.util.regex.Pattern.compile(
            ";\\s*(?:user|username|password|passwd|pwd)\\s*=[^;]*", java.util.regex.Pattern.CASE_INSENSITIVE);

    private SqoopImportGuard(ToolkitClient zk, String source, int maxMappers) {
        this.zk = zk;
        this.source = source;
        this.maxMappers = maxMappers;
        this.mappers = new FencedSemaphore(zk.curator(), FencedSemaphore.ROOT + "/sqoop/" + source + "/mappers",
                maxMappers, Holder.current());
    }

    /**
     * The guard for one source database, named after its JDBC URL's host, port and database.
     *
     * @param maxMappers mappers allowed against this source at once, across every job using the guard
     */
    public static SqoopImportGuard forSource(ToolkitClient zk, String jdbcUrl, int maxMappers) {
        if (maxMappers < 1) {
            throw new IllegalArgumentException("maxMappers must be at least 1, got " + maxMappers + " for " + Redaction.jdbcUrl(jdbcUrl));
        }
        return new SqoopImportGuard(Objects.requireNonNull(zk, "zk"), sourceId(jdbcUrl), maxMappers);
    }

    /**
     * The znode-safe name of a source: {@code jdbc:postgresql://db:5432/shop} becomes
     * {@code postgresql_db_5432_shop}. The query and credentials ({@code ;user=/;password=}
     * properties, {@code user:password@}, Oracle's {@code user/password@}) are left out: a znode name is
     * readable by anyone the parent's ACL lets list it.
     */
    public static String sourceId(String jdbcUrl) {
        String rest = jdbcUrl.startsWith("jdbc:") ? jdbcUrl.substring(5) : jdbcUrl;
        int query = rest.indexOf('?');
        if (query >= 0) {
            rest = rest.substring(0, query);
        }
        rest = CREDENTIAL_PROPERTY.matcher(rest).replaceAll("");
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            int start = rest.indexOf("//");
            rest = (start >= 0 && start < at ? rest.substring(0, start + 2) : rest.substring(0, rest.lastIndexOf(':', at) + 1))
                    + rest.substring(at + 1);
        }
        return rest.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]+", "_").replaceAll("^_+|_+$", "");
    }

    /** This source's name under the guard's znodes. */
    public String source() {
        return source;
    }

    /**
     * Waits up to {@code wait} for the table and {@code mappers} mapper leases.
     *
     * @throws ImportBusyException when either is not free in time, naming who holds the table
     * @throws IllegalArgumentException when more mappers are asked for than the source allows
     */
    public GuardedImport acquire(String table, int mappers, Duration wait) {
        if (mappers < 1 || mappers > maxMappers) {
            throw new IllegalArgumentException("An import of " + table + " asks for " + mappers
                    + " mappers; source " + source + " allows 1 to " + maxMappers);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        String lockPath = tableLockPath(table);
        Optional<LockLease> tableLock = new FencedMutex(zk.curator(), lockPath).acquire(wait);
        if (tableLock.isEmpty()) {
            throw new ImportBusyException("Table " + table + " of source " + source + " is being imported by "
                    + holderOf(lockPath) + "; waited " + wait.toMillis() + " ms");
        }
        List<SemaphoreLease> leases;
        try {
            leases = this.mappers.acquire(mappers, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        } catch (RuntimeException e) {
            tableLock.get().release();
            throw e;
        }
        if (leases.isEmpty()) {
            tableLock.get().release();
            throw new ImportBusyException("Source " + source + " has no " + mappers + " free mapper(s) of " + maxMappers
                    + " for table " + table + " within " + wait.toMillis() + " ms; other imports hold them");
        }
        return new GuardedImport(table, tableLock.get(), leases);
    }

    /**
     * Who holds {@code table}'s import lock now, with its token and waiters; empty while it is free.
     * For progress while an import waits: the answer is a moment's view, not a promise.
     */
    public Optional<LockInspector.LockInfo> tableLock(String table) throws Exception {
        return new LockInspector(zk).lock(tableLockPath(table));
    }

    private String tableLockPath(String table) {
        return FencedMutex.ROOT + "/sqoop/" + source + "/" + table;
    }

    private String holderOf(String lockPath) {
        try {
            return new LockInspector(zk).lock(lockPath).map(l -> l.holder().toString()).orElse("another job");
        } catch (Exception e) {
            return "another job";
        }
    }
}
