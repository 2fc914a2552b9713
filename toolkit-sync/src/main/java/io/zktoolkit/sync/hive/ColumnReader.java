package io.zktoolkit.sync.hive;

import io.zktoolkit.locks.hive.HiveObject;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads a table's columns, in order; empty when the table does not exist. */
@FunctionalInterface
public interface ColumnReader {

    /**
     * The columns of {@code table}, or empty when there is no such table.
     *
     * @throws SQLException when the server could not be asked
     */
    Optional<List<HiveColumn>> columns(HiveObject table) throws SQLException;

    /**
     * Through {@link DatabaseMetaData#getColumns} on {@code connection} (the HiveServer2
     * GetColumns call; no statement runs, no Hive jar is needed). The caller keeps the connection
     * and closes it; calls on one connection are serialized.
     */
    static ColumnReader jdbc(Connection connection) {
        return table -> {
            synchronized (connection) {
                List<HiveColumn> columns = new ArrayList<>();
                // '_' is a wildcard in metadata patterns ("my_t" also matches "myxt"): keep exact names only.
                try (ResultSet rs = connection.getMetaData().getColumns(null, table.database(), table.table(), "%")) {
                    while (rs.next()) {
                        if (table.database().equalsIgnoreCase(rs.getString("TABLE_SCHEM"))
                                && table.table().equalsIgnoreCase(rs.getString("TABLE_NAME"))) {
                            columns.add(new HiveColumn(rs.getString("COLUMN_NAME"), rs.getString("TYPE_NAME")));
                        }
                    }
                }
                // A Hive table always has a column; none means the table is not there.
                return columns.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(columns));
            }
        };
    }
}
