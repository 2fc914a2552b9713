package io.zktoolkit.sync.hive;

import io.zktoolkit.locks.hive.HiveObject;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The table a DDL statement changes, read from its text: {@code CREATE [EXTERNAL|TEMPORARY] TABLE
 * [IF NOT EXISTS] t}, {@code CREATE OR REPLACE TABLE|VIEW}, {@code ALTER TABLE|VIEW t ...},
 * {@code DROP TABLE|VIEW [IF EXISTS] t}, names plain or in backticks, {@code db.t} or {@code t}
 * (then in the connection's database). Statements that change no table's columns (INSERT,
 * TRUNCATE, ALTER TABLE ... PARTITION) still count when they are ALTER TABLE: a caller who knows
 * better names the table itself.
 *
 * @param database the database named in the statement, or null for the session's current one
 * @param table    the table as written (HiveObject lower-cases it)
 * @param drop     whether the statement drops it
 */
record SchemaChange(String database, String table, boolean drop) {
    private static final String NAME = "(`[^`]+`|[A-Za-z0-9_]+)";
    private static final Pattern DDL = Pattern.compile("(?is)^\\s*(CREATE(?:\\s+OR\\s+REPLACE)?(?:\\s+(?:GLOBAL\\s+)?(?:EXTERNAL|TEMPORARY|TEMP))?"
            + "\\s+(?:TABLE|VIEW)(?:\\s+IF\\s+NOT\\s+EXISTS)?|ALTER\\s+(?:TABLE|VIEW)|DROP\\s+(?:TABLE|VIEW)(?:\\s+IF\\s+EXISTS)?)"
            + "\\s+" + NAME + "(?:\\s*\\.\\s*" + NAME + ")?");

    /** The table {@code sql} changes, if it is a table or view DDL statement. */
    static Optional<SchemaChange> of(String sql) {
        Matcher m = DDL.matcher(sql.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\\n]*", " "));
        if (!m.find()) {
            return Optional.empty();
        }
        boolean drop = m.group(1).regionMatches(true, 0, "DROP", 0, 4);
        String first = unquote(m.group(2));
        String second = m.group(3) == null ? null : unquote(m.group(3));
        return Optional.of(second == null ? new SchemaChange(null, first, drop) : new SchemaChange(first, second, drop));
    }

    /** The table, in {@code currentDatabase} when the statement named none. */
    HiveObject in(String currentDatabase) {
        return HiveObject.table(database == null ? currentDatabase : database, table);
    }

    private static String unquote(String name) {
        return name.startsWith("`") ? name.substring(1, name.length() - 1) : name;
    }
}
