package io.zktoolkit.sync.hive;

import io.zktoolkit.locks.hive.HiveObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A table's schema at a published version.
 *
 * @param table   the table
 * @param version the published schema version it is at least as new as; 0 before any notice
 * @param dropped whether the table does not exist (dropped, or never created)
 * @param columns its columns in order; empty when dropped
 */
public record TableSchema(HiveObject table, long version, boolean dropped, List<HiveColumn> columns) {

    /** Copies the columns. */
    public TableSchema {
        columns = List.copyOf(columns);
        if (dropped != columns.isEmpty()) {
            throw new IllegalArgumentException("Schema of " + table + ": a table has columns exactly when it exists");
        }
    }

    /** The first 16 hex digits of the SHA-256 of the column list, or {@code dropped}: equal digests, equal columns. */
    public String digest() {
        return digestOf(dropped, columns);
    }

    static String digestOf(boolean dropped, List<HiveColumn> columns) {
        if (dropped) {
            return "dropped";
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            columns.forEach(c -> sha.update((c.name() + "\t" + c.type() + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
