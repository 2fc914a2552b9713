package io.zktoolkit.sync.hive;

import io.zktoolkit.locks.hive.HiveObject;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The tables of a metastore, in memory, for the notices' tests without a Hive server (the real one is in src-it/hive-it). */
final class InMemoryTables implements ColumnReader {
    private final Map<HiveObject, List<HiveColumn>> tables = new HashMap<>();
    private final AtomicInteger reads = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile SQLException failure;

    synchronized void create(HiveObject table, String... columns) {
        List<HiveColumn> list = new ArrayList<>();
        for (String c : columns) {
            String[] nameType = c.split(" ");
            list.add(new HiveColumn(nameType[0], nameType[1]));
        }
        tables.put(table, list);
    }

    synchronized void addColumn(HiveObject table, String name, String type) {
        tables.get(table).add(new HiveColumn(name, type));
    }

    synchronized void drop(HiveObject table) {
        tables.remove(table);
    }

    synchronized List<HiveColumn> current(HiveObject table) {
        return List.copyOf(tables.get(table));
    }

    /** Reads wait until {@link #open()}. */
    void close() {
        gate = new CountDownLatch(1);
    }

    void open() {
        gate.countDown();
    }

    void failWith(SQLException e) {
        failure = e;
    }

    int reads() {
        return reads.get();
    }

    @Override
    public Optional<List<HiveColumn>> columns(HiveObject table) throws SQLException {
        try {
            gate.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted", e);
        }
        reads.incrementAndGet();
        if (failure != null) {
            throw failure;
        }
        synchronized (this) {
            List<HiveColumn> columns = tables.get(table);
            return columns == null ? Optional.empty() : Optional.of(List.copyOf(columns));
        }
    }
}
