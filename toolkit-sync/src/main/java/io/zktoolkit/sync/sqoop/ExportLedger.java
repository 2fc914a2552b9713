package io.zktoolkit.sync.sqoop;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * The target database's own record of completed exports, written in the same transaction as the
 * rows: {@value #LEDGER} (one row per export id) and {@value #FENCE} (per target table, the
 * highest fencing token that moved rows into it). Created on first use with
 * {@code CREATE TABLE IF NOT EXISTS} (PostgreSQL, MySQL, MariaDB, H2, recent Oracle and SQL Server
 * differ here; create them yourself with the same columns elsewhere).
 */
final class ExportLedger {
    static final String LEDGER = "zktoolkit_export_ledger";
    static final String FENCE = "zktoolkit_export_fence";

    private ExportLedger() {
    }

    /** A completed export as the ledger holds it. */
    record Entry(String exportId, String table, String exportDir, long rows, long token, Instant committedAt) {
    }

    static void ensureTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + LEDGER + " (export_id VARCHAR(64) PRIMARY KEY,"
                    + " target_table VARCHAR(256) NOT NULL, export_dir VARCHAR(4000) NOT NULL, row_count BIGINT NOT NULL,"
                    + " fencing_token BIGINT NOT NULL, committed_at TIMESTAMP NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS " + FENCE + " (target_table VARCHAR(256) PRIMARY KEY,"
                    + " fencing_token BIGINT NOT NULL)");
        }
    }

    static Optional<Entry> find(Connection c, String exportId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT target_table, export_dir, row_count, fencing_token,"
                + " committed_at FROM " + LEDGER + " WHERE export_id = ?")) {
            s.setString(1, exportId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Entry(exportId, rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                        rs.getTimestamp(5).toInstant()));
            }
        }
    }

    /**
     * Inside the caller's transaction: refuses a token lower than one that already moved rows
     * into {@code table} (a holder that lost its lock without noticing), then records it.
     *
     * @throws StaleExportException when a later holder already wrote
     */
    static void fence(Connection c, String table, long token) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT fencing_token FROM " + FENCE
                + " WHERE target_table = ? FOR UPDATE")) {
            s.setString(1, table);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    long stored = rs.getLong(1);
                    if (stored > token) {
                        throw new StaleExportException("Export into " + table + " with fencing token " + token
                                + " refused: a later lock holder (token " + stored + ") already loaded it."
                                + " This export's lock was lost; nothing was written");
                    }
                    try (PreparedStatement u = c.prepareStatement("UPDATE " + FENCE + " SET fencing_token = ?"
                            + " WHERE target_table = ?")) {
                        u.setLong(1, token);
                        u.setString(2, table);
                        u.executeUpdate();
                    }
                    return;
                }
            }
        }
        try (PreparedStatement i = c.prepareStatement("INSERT INTO " + FENCE + " (target_table, fencing_token) VALUES (?, ?)")) {
            i.setString(1, table);
            i.setLong(2, token);
            i.executeUpdate();
        }
    }

    static void record(Connection c, Entry entry) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + LEDGER + " (export_id, target_table, export_dir,"
                + " row_count, fencing_token, committed_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setString(1, entry.exportId());
            s.setString(2, entry.table());
            s.setString(3, entry.exportDir());
            s.setLong(4, entry.rows());
            s.setLong(5, entry.token());
            s.setTimestamp(6, Timestamp.from(entry.committedAt()));
            s.executeUpdate();
        }
    }

    /** A holder with a lower fencing token than the last writer tried to move rows. */
    static final class StaleExportException extends SQLException {
        private static final long serialVersionUID = 1L;

        StaleExportException(String message) {
            super(message);
        }
    }
}
