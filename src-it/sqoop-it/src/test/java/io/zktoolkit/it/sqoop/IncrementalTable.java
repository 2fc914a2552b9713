package io.zktoolkit.it.sqoop;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A table of the source database that grows and changes between incremental imports:
 * {@code <name>(id BIGINT, name TEXT, updated_at TIMESTAMP)}, readable by the reader role, plus a
 * view {@code <name>_gated} with one more column whose function can hold a mapper at one row (so a
 * test kills the importing JVM while its MapReduce job reads) or fail at one row (a mapper failure).
 *
 * <p>The gate's function is declared STABLE so that PostgreSQL inlines the view and evaluates it
 * only where the column is read: Sqoop's {@code MAX(id)} and the toolkit's count never call it,
 * the mapper's SELECT does for each row; Sqoop's code generation reads one row (the first).
 */
final class IncrementalTable {
    /** One version of a row, as the table held it and as the import's output gives it back. */
    record Version(long id, Timestamp updatedAt) {
    }

    private final SourceDatabase db;
    private final String name;
    private long nextId = 1;

    private IncrementalTable(SourceDatabase db, String name) {
        this.db = db;
        this.name = name;
    }

    static IncrementalTable create(SourceDatabase db, String name) throws SQLException {
        IncrementalTable table = new IncrementalTable(db, name);
        table.execute("CREATE TABLE " + name + " (id BIGINT PRIMARY KEY, name TEXT NOT NULL, updated_at TIMESTAMP NOT NULL)",
                "CREATE TABLE " + name + "_gate (hold_id BIGINT, hold_seconds INT NOT NULL DEFAULT 0, poison_id BIGINT)",
                "INSERT INTO " + name + "_gate VALUES (NULL, 0, NULL)",
                "CREATE FUNCTION " + name + "_gate(row_id BIGINT) RETURNS INT STABLE LANGUAGE plpgsql AS $$"
                        + " DECLARE g RECORD; BEGIN SELECT * INTO g FROM " + name + "_gate;"
                        + " IF row_id = g.poison_id THEN RAISE EXCEPTION 'poisoned row %', row_id; END IF;"
                        + " IF row_id = g.hold_id THEN PERFORM pg_sleep(g.hold_seconds); END IF; RETURN 0; END $$",
                "CREATE VIEW " + name + "_gated AS SELECT id, name, updated_at, " + name + "_gate(id) AS gate FROM " + name,
                "GRANT SELECT ON " + name + ", " + name + "_gate, " + name + "_gated TO " + SourceDatabase.READER);
        return table;
    }

    String name() {
        return name;
    }

    String gatedView() {
        return name + "_gated";
    }

    /** Inserts {@code rows} new rows with the next ids, stamped with the database's clock. */
    void insert(int rows) throws SQLException {
        execute("INSERT INTO " + name + " SELECT i, 'row ' || i || ', with a comma', clock_timestamp()::timestamp"
                + " FROM generate_series(" + nextId + ", " + (nextId + rows - 1) + ") AS i");
        nextId += rows;
    }

    /** Leaves {@code ids} ids unused, for a late row to take. */
    void skip(int ids) {
        nextId += ids;
    }

    /** Inserts one row with an id below the current maximum, as a transaction that commits late would. */
    void insertLate(long id) throws SQLException {
        execute("INSERT INTO " + name + " VALUES (" + id + ", 'late row " + id + "', clock_timestamp()::timestamp)");
    }

    /** Changes every {@code step}-th row, which moves its updated_at to now. */
    void touchEvery(int step) throws SQLException {
        execute("UPDATE " + name + " SET name = name || '+', updated_at = clock_timestamp()::timestamp WHERE id % "
                + step + " = 0");
    }

    long maxId() throws SQLException {
        return queryLong("SELECT COALESCE(MAX(id), 0) FROM " + name);
    }

    /** Every row as it is now. */
    List<Version> versions() throws SQLException {
        List<Version> versions = new ArrayList<>();
        try (Connection c = db.superuser(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, updated_at FROM " + name + " ORDER BY id")) {
            while (rs.next()) {
                versions.add(new Version(rs.getLong(1), rs.getTimestamp(2)));
            }
        }
        return versions;
    }

    /** The mapper that reads row {@code id} sleeps {@code hold} there. */
    void holdAt(long id, Duration hold) throws SQLException {
        execute("UPDATE " + name + "_gate SET hold_id = " + id + ", hold_seconds = " + hold.toSeconds());
    }

    /** The mapper that reads row {@code id} fails. */
    void poison(long id) throws SQLException {
        execute("UPDATE " + name + "_gate SET poison_id = " + id);
    }

    /** Opens the gate and ends the sessions still sleeping in it (a killed JVM's mapper). */
    void openGate() throws SQLException {
        execute("UPDATE " + name + "_gate SET hold_id = NULL, poison_id = NULL",
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND pid <> pg_backend_pid()");
    }

    /** Whether a session is sleeping in the gate now: a mapper is inside the MapReduce job. */
    boolean mapperHeld() throws SQLException {
        return queryLong("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND query LIKE '%"
                + gatedView() + "%'") > 0;
    }

    private long queryLong(String sql) throws SQLException {
        try (Connection c = db.superuser(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void execute(String... statements) throws SQLException {
        try (Connection c = db.superuser(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
