package io.zktoolkit.locks.sqoop;

import io.zktoolkit.locks.FencedSemaphore.SemaphoreLease;
import io.zktoolkit.locks.LockLease;
import java.util.List;

/**
 * One import's right to run: its table's lock and its mapper leases. Check {@link #checkHeld()}
 * before committing results; close it when the import ends. Close it on the thread that acquired
 * it, because the table lock is Curator's per-thread mutex.
 */
public final class GuardedImport implements AutoCloseable {
    private final String table;
    private final LockLease tableLock;
    private final List<SemaphoreLease> mapperLeases;

    GuardedImport(String table, LockLease tableLock, List<SemaphoreLease> mapperLeases) {
        this.table = table;
        this.tableLock = tableLock;
        this.mapperLeases = List.copyOf(mapperLeases);
    }

    /** The table imported. */
    public String table() {
        return table;
    }

    /** The table lock, whose token fences the import's writes (for example its checkpoint). */
    public LockLease tableLock() {
        return tableLock;
    }

    /** How many mapper leases are held. */
    public int mappers() {
        return mapperLeases.size();
    }

    /** Throws {@link io.zktoolkit.locks.LockLostException} when the table lock or a mapper lease is lost or in doubt. */
    public void checkHeld() {
        tableLock.checkHeld();
        mapperLeases.forEach(SemaphoreLease::checkHeld);
    }

    /** Returns the mapper leases, then the table lock. */
    @Override
    public void close() {
        mapperLeases.forEach(SemaphoreLease::release);
        tableLock.release();
    }
}
