package io.zktoolkit.sync.hive;

import io.zktoolkit.locks.hive.HiveObject;
import java.sql.SQLException;

/** Told when a {@link HiveSchemaCache} re-read a table after a notice. Called on the cache's refresh thread. */
public interface HiveSchemaListener {

    /** The cache re-read {@code after.table()}: its version moved from {@code before}'s to {@code after}'s. */
    void refreshed(TableSchema before, TableSchema after);

    /** A re-read after notice {@code version} failed; the cache keeps the old schema and re-reads on the next ask. */
    default void refreshFailed(HiveObject table, long version, SQLException cause) {
    }
}
