package io.zktoolkit.it.hive;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.hive.HiveConnectionSettings;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.live.ConfigUpdate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link HiveConnectionSettings} from a configuration set in a real (embedded) ZooKeeper, through the
 * stock hive-jdbc 4.0.1 driver (found by DriverManager), against a real HiveServer2-protocol server:
 * the Spark 3.5.4 Thrift Server in a child JVM, shared with other classes ({@link SharedThriftServers}).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@ExtendWith(SharedThriftServers.class)
class HiveConnectionSettingsIT {
    private static final String SET = "hive/reports";

    private static ThriftServer server;
    private static ToolkitClient zk;
    private static ConfigStore store;

    @BeforeAll
    static void start(SharedThriftServers.Pair servers) throws Exception {
        server = servers.first();
        zk = ToolkitClient.open(ToolkitSettings.defaults());
        store = ConfigStore.builder(zk).author("hive-it").build();
    }

    @AfterAll
    static void stop() {
        if (zk != null) {
            zk.close();
        }
    }

    @Test
    void theStockDriverOpensASessionWithEverySettingFromTheSet() throws Exception {
        store.publish(ConfigUpdate.on(store.read(SET))
                .set("hive.jdbc.url", server.jdbcUrl("default"))
                .set("hive.jdbc.fetch.size", "123")
                .set("hive.conf.zktoolkit.test.flag", "on")
                .set("hive.var.region", "emea")
                .set("hive.jdbc.user", "etl"));
        HiveConnectionSettings settings = HiveConnectionSettings.from(store.read(SET));

        assertThat(settings.url()).isEqualTo(server.jdbcUrl("default")
                + ";fetchSize=123?zktoolkit.test.flag=on#region=emea");
        // The stock driver is the one DriverManager picks for this URL.
        assertThat(DriverManager.getDriver(settings.url()).getClass().getName())
                .isEqualTo("org.apache.hive.jdbc.HiveDriver");

        try (Connection conn = settings.open(null);
             Statement statement = settings.createStatement(conn)) {
            assertThat(statement.getFetchSize()).isEqualTo(123);
            assertThat(conn.getMetaData().getDatabaseProductName()).isEqualTo("Spark SQL");

            // Hive configuration from the set (?NAME=value) reaches the server session's conf.
            assertThat(setValue(statement, "zktoolkit.test.flag")).isEqualTo("on");
            // Hive variables from the set (#NAME=value) are substituted in statements.
            assertThat(single(statement, "SELECT '${hivevar:region}'")).isEqualTo("emea");
            // The user from the set is the session's user.
            assertThat(single(statement, "SELECT current_user()")).isEqualTo("etl");

            statement.execute("CREATE TABLE reports_orders (id INT, region STRING, amount DOUBLE)");
            // In the server's on-disk Derby metastore and warehouse.
            assertThat(tableLocation(statement, "reports_orders"))
                    .endsWith(server.warehouse().resolve("reports_orders").toString());
            statement.execute("INSERT INTO reports_orders VALUES (1, 'emea', 10.5), (2, 'apac', 20.25), "
                    + "(3, 'emea', 30.0)");
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery("SELECT id, region, amount FROM reports_orders ORDER BY id")) {
                assertThat(rs.getFetchSize()).isEqualTo(123);
                while (rs.next()) {
                    rows.add(rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getDouble(3));
                }
            }
            assertThat(rows).containsExactly("1|emea|10.5", "2|apac|20.25", "3|emea|30.0");
            assertThat(single(statement, "SELECT sum(amount) FROM reports_orders WHERE region = '${hivevar:region}'"))
                    .isEqualTo("40.5");
        }
    }

    @Test
    void aNewPublishReachesConnectionsOpenedAfterIt() throws Exception {
        String set = "hive/live";
        store.publish(ConfigUpdate.on(store.read(set))
                .set("hive.jdbc.url", server.jdbcUrl("default"))
                .set("hive.conf.zktoolkit.test.flag", "on")
                .set("hive.jdbc.user", "etl"));
        try (Connection before = HiveConnectionSettings.from(store.read(set)).open(null);
             Statement beforeStatement = before.createStatement()) {
            assertThat(setValue(beforeStatement, "zktoolkit.test.flag")).isEqualTo("on");

            store.publish(ConfigUpdate.on(store.read(set))
                    .set("hive.conf.zktoolkit.test.flag", "off")
                    .set("hive.jdbc.user", "reporting"));
            HiveConnectionSettings next = HiveConnectionSettings.from(store.read(set));
            try (Connection after = next.open(null);
                 Statement afterStatement = next.createStatement(after)) {
                assertThat(setValue(afterStatement, "zktoolkit.test.flag")).isEqualTo("off");
                assertThat(single(afterStatement, "SELECT current_user()")).isEqualTo("reporting");
            }
            // A session keeps the configuration it was opened with.
            assertThat(setValue(beforeStatement, "zktoolkit.test.flag")).isEqualTo("on");
            assertThat(single(beforeStatement, "SELECT current_user()")).isEqualTo("etl");
        }
    }

    /** The value Spark's {@code SET key} reports for the session (columns key, value). */
    private static String setValue(Statement statement, String key) throws SQLException {
        try (ResultSet rs = statement.executeQuery("SET " + key)) {
            assertThat(rs.next()).as("a row for SET %s", key).isTrue();
            assertThat(rs.getString(1)).isEqualTo(key);
            return rs.getString(2);
        }
    }

    /** The Location row of Spark's {@code DESCRIBE FORMATTED} (columns col_name, data_type, comment). */
    private static String tableLocation(Statement statement, String table) throws SQLException {
        try (ResultSet rs = statement.executeQuery("DESCRIBE FORMATTED " + table)) {
            while (rs.next()) {
                if ("Location".equals(rs.getString(1))) {
                    return rs.getString(2);
                }
            }
        }
        throw new AssertionError("DESCRIBE FORMATTED " + table + " has no Location row");
    }

    private static String single(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            assertThat(rs.next()).as("a row for %s", sql).isTrue();
            String value = rs.getString(1);
            assertThat(rs.next()).as("only one row for %s", sql).isFalse();
            return value;
        }
    }
}
