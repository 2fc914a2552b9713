package io.zktoolkit.it.hive;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.discovery.hive.HiveDiscoveryMode;
import io.zktoolkit.discovery.hive.HiveServerEndpoint;
import io.zktoolkit.discovery.hive.HiveServerInstance;
import io.zktoolkit.discovery.hive.HiveServerRegistrar;
import io.zktoolkit.discovery.hive.HiveServerResolver;
import io.zktoolkit.it.harness.FreePorts;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two real HiveServer2-protocol servers (Spark 3.5.4 Thrift Servers in child JVMs) registered by
 * {@link HiveServerRegistrar}, found by the STOCK hive-jdbc 4.0.1 driver through its own ZooKeeper
 * URLs and by {@link HiveServerResolver}; then one server is killed. The servers are shared by the
 * tests and with other classes ({@link SharedThriftServers}; each has its own metastore, so every
 * table is created and read in one session); the test that kills one runs last, and the class
 * after the classes that only use the servers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@ExtendWith(SharedThriftServers.class)
@Order(SharedThriftServers.KILLS_ONE)
class HiveServerDiscoveryIT {
    /** Connects per side after the kill. */
    private static final int CONNECTS = 4;

    private static ThriftServer first;
    private static ThriftServer second;
    /** Embedded ZooKeeper, registrations at the ensemble's root as HiveServer2 makes them. */
    private static ToolkitClient zk;
    private static HiveServerRegistrar firstRegistrar;
    private static HiveServerRegistrar secondRegistrar;
    private static HiveServerResolver resolver;

    @BeforeAll
    static void start(SharedThriftServers.Pair servers) throws Exception {
        first = servers.first();
        second = servers.second();
        zk = ToolkitClient.open(ToolkitSettings.builder().set(ToolkitKeys.NAMESPACE, "").build());
        firstRegistrar = register(zk, first, HiveDiscoveryMode.ZOOKEEPER);
        secondRegistrar = register(zk, second, HiveDiscoveryMode.ZOOKEEPER);
        resolver = HiveServerResolver.builder(zk).build();
        resolver.start();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {resolver, secondRegistrar, firstRegistrar, zk}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("closing " + c + ": " + e);
            }
        }
    }

    private static HiveServerRegistrar register(ToolkitClient client, ThriftServer server, HiveDiscoveryMode mode) {
        HiveServerRegistrar registrar = HiveServerRegistrar.builder(client, HiveServerEndpoint.binary("127.0.0.1", server.port()))
                .mode(mode).version("2.3.9").build();
        registrar.start();
        return registrar;
    }

    @Test
    @Order(1)
    void theStockDriverFindsARegisteredServerThroughItsOwnZooKeeperUrl() throws Exception {
        String stockUrl = "jdbc:hive2://" + zk.connectString() + "/;serviceDiscoveryMode=zooKeeper;zooKeeperNamespace=hiveserver2";
        assertThat(firstRegistrar.stockJdbcUrl("")).isEqualTo(stockUrl);

        try (Connection conn = DriverManager.getConnection(stockUrl, "etl", "");
             Statement statement = conn.createStatement()) {
            assertThat(conn.getClass().getName()).isEqualTo("org.apache.hive.jdbc.HiveConnection");
            assertThat(servedBy(statement)).isIn(first, second);
            roundTrip(statement, "stock_orders");
        }
    }

    @Test
    @Order(2)
    void underACuratorNamespaceTheStockUrlNeedsItInFrontAndTheRegistrarSaysSo() throws Exception {
        try (ToolkitClient app = ToolkitClient.open(ToolkitSettings.builder().set(ToolkitKeys.CONNECT, zk.connectString())
                .set(ToolkitKeys.NAMESPACE, "app").build());
             HiveServerRegistrar registrar = register(app, first, HiveDiscoveryMode.ZOOKEEPER)) {
            String stockUrl = registrar.stockJdbcUrl("default");
            assertThat(stockUrl).isEqualTo("jdbc:hive2://" + zk.connectString()
                    + "/default;serviceDiscoveryMode=zooKeeper;zooKeeperNamespace=app/hiveserver2");

            try (Connection conn = DriverManager.getConnection(stockUrl, "etl", "");
                 Statement statement = conn.createStatement()) {
                assertThat(servedBy(statement)).isSameAs(first);
            }
        }
    }

    @Test
    @Order(3)
    void theResolverConnectsOnTheJobsOneSessionWithoutANewOnePerConnect() throws Exception {
        // How much faster than the stock URL: benchmarks' HiveConnectCase and HiveLookupCase measure it.
        long session = zk.curator().getZookeeperClient().getZooKeeper().getSessionId();
        try (Connection conn = resolver.connect("default", etl());
             Statement statement = conn.createStatement()) {
            assertThat(conn.getClass().getName()).isEqualTo("org.apache.hive.jdbc.HiveConnection");
            roundTrip(statement, "resolver_orders");
        }

        for (int i = 0; i < 2; i++) {
            try (Connection more = resolver.connect("default", etl())) {
                assertThat(more.isClosed()).isFalse();
            }
        }
        assertThat(zk.curator().getZookeeperClient().getZooKeeper().getSessionId()).as("no new session").isEqualTo(session);
    }

    @Test
    @Order(4)
    void inActivePassiveModeTheStockHaUrlAndTheResolverReachOnlyTheLeader() throws Exception {
        String namespace = "hs2ActivePassiveHA";
        HiveServerRegistrar haFirst = register(zk, first, HiveDiscoveryMode.ZOOKEEPER_HA);
        HiveServerRegistrar haSecond = register(zk, second, HiveDiscoveryMode.ZOOKEEPER_HA);
        try (HiveServerResolver haResolver = HiveServerResolver.builder(zk).mode(HiveDiscoveryMode.ZOOKEEPER_HA).build()) {
            haResolver.start();
            String stockUrl = haFirst.stockJdbcUrl("default");
            assertThat(stockUrl).isEqualTo("jdbc:hive2://" + zk.connectString()
                    + "/default;serviceDiscoveryMode=zooKeeperHA;zooKeeperNamespace=" + namespace);
            awaitTrue("one leader", () -> haFirst.isActive() != haSecond.isActive());
            HiveServerRegistrar leader = haFirst.isActive() ? haFirst : haSecond;
            ThriftServer leaderServer = leader == haFirst ? first : second;
            ThriftServer standbyServer = leader == haFirst ? second : first;

            for (int i = 0; i < 2; i++) {
                assertThat(serverOf(() -> DriverManager.getConnection(stockUrl, "etl", ""))).as("stock HA URL")
                        .isSameAs(leaderServer);
                assertThat(serverOf(() -> haResolver.connect("default", etl()))).as("resolver").isSameAs(leaderServer);
            }

            // Both views follow ZooKeeper's notifications, so they switch a few milliseconds after the
            // registrar closes. (A deposed HiveServer2 also refuses new sessions; the Thrift Server does not.)
            long handover = System.nanoTime();
            leader.close();
            String standbyUri = "127.0.0.1:" + standbyServer.port();
            awaitTrue("the resolver's view shows the standby as the active server", () -> haResolver.instances().stream()
                    .filter(HiveServerInstance::active).map(i -> i.endpoint().instanceUri()).toList().equals(List.of(standbyUri)));
            long viewMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - handover);
            assertThat(serverOf(() -> haResolver.connect("default", etl()))).as("resolver after the handover")
                    .isSameAs(standbyServer);
            awaitTrue("a stock HA connect reaches the new leader",
                    () -> serverOf(() -> DriverManager.getConnection(stockUrl, "etl", "")) == standbyServer);
            long stockMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - handover);
            for (int i = 0; i < 2; i++) {
                assertThat(serverOf(() -> DriverManager.getConnection(stockUrl, "etl", ""))).as("stock HA URL after the handover")
                        .isSameAs(standbyServer);
            }
            System.out.printf("HA handover (leader's registrar closed): the resolver's view switched after %d ms; "
                    + "a stock HA connect reached the new leader %d ms after the close%n", viewMs, stockMs);
        } finally {
            haFirst.close();
            haSecond.close();
        }
    }

    @Test
    @Order(5)
    void whenEveryRegisteredServerIsDownTheResolverNamesEachInOneError() throws Exception {
        int deadA = FreePorts.next();
        int deadB = FreePorts.next();
        try (HiveServerRegistrar a = HiveServerRegistrar.builder(zk, HiveServerEndpoint.binary("127.0.0.1", deadA))
                .namespace("gone").build();
             HiveServerRegistrar b = HiveServerRegistrar.builder(zk, HiveServerEndpoint.binary("127.0.0.1", deadB))
                     .namespace("gone").build();
             HiveServerResolver gone = HiveServerResolver.builder(zk).namespace("gone").build()) {
            a.start();
            b.start();
            gone.start();

            SQLException failure = null;
            try {
                gone.connect("default", etl()).close();
            } catch (SQLException e) {
                failure = e;
            }

            assertThat((Throwable) failure).isNotNull();
            assertThat(failure.getSQLState()).isEqualTo("08S01");
            assertThat(failure.getMessage()).contains("Could not connect to any of the 2 HiveServer2 instance(s) tried under /gone")
                    .contains("127.0.0.1:" + deadA + " (serverUri=127.0.0.1:" + deadA + ";version=unknown;sequence=")
                    .contains("127.0.0.1:" + deadB + " (serverUri=127.0.0.1:" + deadB + ";version=unknown;sequence=")
                    .contains("Could not open client transport");
            assertThat(failure.getSuppressed()).hasSize(2);
            System.out.println("all-failed error from the resolver:\n" + failure.getMessage());
        }
    }

    @Test
    @Order(6)
    void afterOneServerIsKilledNewConnectionsGoToTheOther() throws Exception {
        second.kill9();   // its registration stays, as when a sidecar registrar outlives the server

        // Only the first server can take a connection now, so every connect that returns reached it.
        String stockUrl = firstRegistrar.stockJdbcUrl("default");
        List<Double> stock = new ArrayList<>();
        List<Double> toolkit = new ArrayList<>();
        for (int i = 0; i < CONNECTS; i++) {
            stock.add(timedConnect(() -> DriverManager.getConnection(stockUrl, "etl", "")));
            toolkit.add(timedConnect(() -> resolver.connect("default", etl())));
        }
        System.out.printf("connect with one of two registered servers dead: stock ZooKeeper URL %s ms, resolver %s ms%n",
                stock, toolkit);
        assertThat(serverOf(() -> DriverManager.getConnection(stockUrl, "etl", ""))).as("stock").isSameAs(first);
        assertThat(serverOf(() -> resolver.connect("default", etl()))).as("resolver").isSameAs(first);
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 15 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** CREATE TABLE, INSERT and SELECT through one session (each server has its own metastore). */
    private static void roundTrip(Statement statement, String table) throws SQLException {
        statement.execute("CREATE TABLE " + table + " (id INT, region STRING)");
        statement.execute("INSERT INTO " + table + " VALUES (1, 'emea'), (2, 'apac')");
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery("SELECT id, region FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + "|" + rs.getString(2));
            }
        }
        assertThat(rows).containsExactly("1|emea", "2|apac");
    }

    @FunctionalInterface
    private interface Connect {
        Connection open() throws SQLException;
    }

    /** Which server a new connection reached: each has a warehouse folder of its own. */
    private static ThriftServer serverOf(Connect connect) throws SQLException {
        try (Connection conn = connect.open(); Statement statement = conn.createStatement()) {
            return servedBy(statement);
        }
    }

    private static ThriftServer servedBy(Statement statement) throws SQLException {
        try (ResultSet rs = statement.executeQuery("SET spark.sql.warehouse.dir")) {
            assertThat(rs.next()).isTrue();
            String warehouse = rs.getString(2);
            if (warehouse.contains(first.warehouse().toString())) {
                return first;
            }
            assertThat(warehouse).contains(second.warehouse().toString());
            return second;
        }
    }

    private static double timedConnect(Connect connect) throws SQLException {
        long start = System.nanoTime();
        Connection conn = connect.open();
        double ms = millisSince(start);
        conn.close();
        return ms;
    }

    private static double millisSince(long start) {
        return Math.round((System.nanoTime() - start) / 100_000.0) / 10.0;
    }

    private static Properties etl() {
        Properties p = new Properties();
        p.setProperty("user", "etl");
        p.setProperty("password", "");
        return p;
    }
}
