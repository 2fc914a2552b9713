package io.zktoolkit.locks.hive;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Hive database, table or partition, the thing a {@link HiveLocks} lock is taken on.
 *
 * <p>Names follow Hive's rules: database, table and partition column names are letters, digits
 * and underscores and are case-insensitive (kept in lower case, as the metastore does); partition
 * values are case-sensitive and may hold any character, escaped in {@link #toString()} the way
 * Hive escapes them in partition names ({@code ds=2024%2F01}). A partition spec may be partial
 * ({@code ds=2024-01-01} of a table partitioned by {@code ds, hr}): it then covers every
 * partition under it, as in Hive.
 */
public final class HiveObject implements Comparable<HiveObject> {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_]+");
    private static final int MAX_TEXT = 1024;

    private final String database;
    private final String table;
    private final Map<String, String> partition;

    private HiveObject(String database, String table, Map<String, String> partition) {
        this.database = database;
        this.table = table;
        this.partition = partition;
    }

    /** The database {@code name}. */
    public static HiveObject database(String name) {
        return new HiveObject(identifier("database", name), null, Map.of());
    }

    /** Table {@code table} of database {@code database}. */
    public static HiveObject table(String database, String table) {
        return new HiveObject(identifier("database", database), identifier("table", table), Map.of());
    }

    /**
     * A partition of a table, its spec in partition column order, for example
     * {@code {ds=2024-01-01, hr=07}}, or a leading part of it.
     */
    public static HiveObject partition(String database, String table, Map<String, String> spec) {
        if (spec == null || spec.isEmpty()) {
            throw new IllegalArgumentException("Partition spec of " + database + "." + table
                    + " is empty; give at least one column=value, or lock the table");
        }
        Map<String, String> normalized = new LinkedHashMap<>();
        spec.forEach((column, value) -> {
            String key = identifier("partition column", column);
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException("Partition column '" + key + "' of " + database + "." + table
                        + " has an empty value; Hive has no partition with an empty value");
            }
            if (normalized.put(key, value) != null) {
                throw new IllegalArgumentException("Partition column '" + key + "' appears twice in the spec of "
                        + database + "." + table);
            }
        });
        HiveObject object = new HiveObject(identifier("database", database), identifier("table", table),
                Collections.unmodifiableMap(normalized));
        if (object.toString().length() > MAX_TEXT) {
            throw new IllegalArgumentException("Partition spec of " + database + "." + table + " is longer than "
                    + MAX_TEXT + " characters");
        }
        return object;
    }

    /**
     * Reads {@code db}, {@code db.table} or {@code db.table/col=value/col=value} (values escaped as
     * in Hive partition names), as an operator would type them.
     */
    public static HiveObject parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("Empty Hive object; expected db, db.table or db.table/col=value");
        }
        String[] parts = text.trim().split("/", -1);
        String[] names = parts[0].split("\\.", -1);
        if (names.length > 2) {
            throw new IllegalArgumentException("Invalid Hive object '" + text
                    + "': expected db, db.table or db.table/col=value");
        }
        if (names.length == 1) {
            if (parts.length > 1) {
                throw new IllegalArgumentException("Invalid Hive object '" + text
                        + "': a partition needs a table (db.table/col=value)");
            }
            return database(names[0]);
        }
        if (parts.length == 1) {
            return table(names[0], names[1]);
        }
        Map<String, String> spec = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Invalid partition '" + parts[i] + "' in Hive object '" + text
                        + "': expected col=value");
            }
            spec.put(parts[i].substring(0, eq), HivePartitionNames.unescape(parts[i].substring(eq + 1)));
        }
        return partition(names[0], names[1], spec);
    }

    private static String identifier(String what, String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches() || name.length() > 128) {
            throw new IllegalArgumentException("Invalid Hive " + what + " name '" + name
                    + "': Hive names are 1 to 128 letters, digits and underscores");
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /** The database, in lower case. */
    public String database() {
        return database;
    }

    /** Whether this is a table or a partition. */
    public boolean hasTable() {
        return table != null;
    }

    /** The table, in lower case; null for a database. */
    public String table() {
        return table;
    }

    /** The partition spec in column order; empty for a database or table. */
    public Map<String, String> partitionSpec() {
        return partition;
    }

    /** The path below the database: table, then {@code col=value} per partition column, values escaped. */
    List<String> segmentsBelowDatabase() {
        List<String> segments = new ArrayList<>();
        if (table != null) {
            segments.add(table);
        }
        partition.forEach((column, value) -> segments.add(column + "=" + HivePartitionNames.escape(value)));
        return segments;
    }

    /** Databases first, then each object before everything inside it, so nested objects sort together. */
    @Override
    public int compareTo(HiveObject other) {
        int byDatabase = database.compareTo(other.database);
        if (byDatabase != 0) {
            return byDatabase;
        }
        List<String> mine = segmentsBelowDatabase();
        List<String> theirs = other.segmentsBelowDatabase();
        for (int i = 0; i < Math.min(mine.size(), theirs.size()); i++) {
            int c = mine.get(i).compareTo(theirs.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(mine.size(), theirs.size());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HiveObject other && database.equals(other.database) && Objects.equals(table, other.table)
                && partition.equals(other.partition) && List.copyOf(partition.keySet()).equals(List.copyOf(other.partition.keySet()));
    }

    @Override
    public int hashCode() {
        return Objects.hash(database, table, partition);
    }

    /** {@code db}, {@code db.table} or {@code db.table/col=value/...}, the form {@link #parse} reads. */
    @Override
    public String toString() {
        List<String> segments = segmentsBelowDatabase();
        if (segments.isEmpty()) {
            return database;
        }
        StringBuilder text = new StringBuilder(database).append('.').append(segments.get(0));
        for (String segment : segments.subList(1, segments.size())) {
            text.append('/').append(segment);
        }
        return text.toString();
    }
}
