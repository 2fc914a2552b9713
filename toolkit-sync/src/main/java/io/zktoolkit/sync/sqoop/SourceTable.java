package io.zktoolkit.sync.sqoop;

import io.zktoolkit.config.settings.Redaction;
import com.cloudera.sqoop.SqoopOptions;
import com.cloudera.sqoop.manager.ConnManager;
import com.cloudera.sqoop.metastore.JobData;
import com.cloudera.sqoop.tool.ImportTool;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Map;
import java.util.TreeMap;
import org.apache.sqoop.ConnFactory;

/**
 * The source table, reached through the same Sqoop connection manager (driver, credentials,
 * quoting) that the import uses: checks the check column, and counts the rows of a run's range
 * with the same comparisons Sqoop's WHERE clause makes.
 */
final class SourceTable implements AutoCloseable {
    private final ConnManager manager;
    private final String table;
    private final String connectString;

    private SourceTable(ConnManager manager, String table, String connectString) {
        this.manager = manager;
        this.table = table;
        this.connectString = Redaction.jdbcUrl(connectString);   // only ever shown
    }

    static SourceTable open(ImportArguments args) {
        SqoopOptions options = args.probe();
        try {
            ConnManager manager = new ConnFactory(options.getConf()).getManager(new JobData(options, new ImportTool()));
            if (manager == null) {
                throw new IllegalArgumentException("Sqoop has no connection manager for " + Redaction.jdbcUrl(options.getConnectString()));
            }
            return new SourceTable(manager, args.table(), options.getConnectString());
        } catch (IOException e) {
            throw new IllegalStateException("Cannot reach source " + Redaction.jdbcUrl(options.getConnectString()) + ": " + e, e);
        }
    }

    /**
     * Checks that {@code column} is a column of the table whose type suits {@code mode}.
     *
     * @throws IllegalArgumentException naming the table, the column and what would be valid
     */
    void checkColumn(String column, IncrementalMode mode) {
        Map<String, Integer> types = manager.getColumnTypes(table);
        if (types == null || types.isEmpty()) {
            throw new IllegalArgumentException("Table " + table + " was not found (or has no columns) at "
                    + connectString);
        }
        // Sqoop's map throws on a missing key instead of returning null.
        Integer type = types.containsKey(column) ? types.get(column) : null;
        if (type == null) {
            throw new IllegalArgumentException("Check column '" + column + "' is not a column of table " + table
                    + "; its columns: " + new TreeMap<>(types).keySet());
        }
        if (!mode.accepts(type)) {
            throw new IllegalArgumentException("Check column '" + column + "' of table " + table + " has JDBC type "
                    + type + "; incremental mode " + mode.sqoopName() + " needs " + mode.acceptedTypes());
        }
    }

    /**
     * Rows of the run's range, counted as Sqoop selects them: append {@code previous < c <= last},
     * lastmodified {@code previous <= c < last}, no lower bound for a first import, and the
     * caller's own {@code --where}.
     */
    long rowsInRange(IncrementalMode mode, String column, String previous, String last, String where) throws SQLException {
        String c = manager.escapeColName(column);
        StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM ").append(manager.escapeTableName(table))
                .append(" WHERE ");
        if (previous != null) {
            sql.append(c).append(mode == IncrementalMode.APPEND ? " > " : " >= ").append(literal(mode, previous)).append(" AND ");
        }
        sql.append(c).append(mode == IncrementalMode.APPEND ? " <= " : " < ").append(literal(mode, last));
        if (where != null) {
            sql.append(" AND (").append(where).append(')');
        }
        Connection connection = manager.getConnection();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Values come from the checkpoint or from Sqoop, and are checked before they reach SQL. */
    private String literal(IncrementalMode mode, String value) {
        if (mode == IncrementalMode.APPEND) {
            return new BigDecimal(value.trim()).toPlainString();
        }
        mode.checkLastValue(value, "Last value");
        return manager.datetimeToQueryString(value, Types.TIMESTAMP);
    }

    @Override
    public void close() {
        try {
            manager.close();
        } catch (SQLException e) {
            // Only the count's connection; the import's result does not depend on it.
        }
    }
}
