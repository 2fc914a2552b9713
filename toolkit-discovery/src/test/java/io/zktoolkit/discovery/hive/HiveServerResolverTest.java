package io.zktoolkit.discovery.hive;

import static io.zktoolkit.discovery.hive.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.discovery.SelectionStrategy;
import io.zktoolkit.it.harness.InJvmQuorum;
import io.zktoolkit.it.harness.SessionExpiry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * {@link HiveServerResolver} on a real 3-server ensemble, with registrations made by
 * {@link HiveServerRegistrar} or written by hand, and a {@link ScriptedHiveDriver} standing in for
 * the stock driver (which src-it/hive-it runs against a real server).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HiveServerResolverTest {
    private static final int LIVE = 41001;
    private static final int DEAD = 41002;
    private static final int ALSO_DEAD = 41003;
    private static InJvmQuorum quorum;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private ScriptedHiveDriver driver;
    private ToolkitClient zk;

    @BeforeAll
    static void startQuorum() {
        quorum = InJvmQuorum.start(3);
    }

    @AfterAll
    static void stopQuorum() throws Exception {
        quorum.close();
    }

    @BeforeEach
    void openClient() throws SQLException {
        driver = ScriptedHiveDriver.register();
        closeables.add(driver);
        driver.live(LIVE);
        zk = client();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private ToolkitClient client() {
        ToolkitClient client = ToolkitClient.open(ToolkitSettings.builder().set(ToolkitKeys.CONNECT, quorum.connectString())
                .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofSeconds(4)).build());
        closeables.add(client);
        return client;
    }

    private HiveServerRegistrar register(String namespace, int port) {
        HiveServerRegistrar registrar = HiveServerRegistrar.builder(zk, HiveServerEndpoint.binary("127.0.0.1", port))
                .namespace(namespace).version("4.0.1").build();
        closeables.add(registrar);
        registrar.start();
        return registrar;
    }

    private HiveServerResolver resolver(HiveServerResolver.Builder builder) {
        HiveServerResolver resolver = builder.build();
        closeables.add(resolver);
        resolver.start();
        return resolver;
    }

    private static int port(Connection connection) {
        String url = connection.toString();
        return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1, url.indexOf('/', "jdbc:hive2://".length())));
    }

    @Test
    void theViewReadsHiveAndLegacyDataAndSkipsForeignZnodesNamingThem() throws Exception {
        register("mixed", LIVE);
        zk.curator().create().forPath("/mixed/legacy-server", "127.0.0.1:41009".getBytes(StandardCharsets.UTF_8));
        zk.curator().create().forPath("/mixed/config-of-something-else", "{\"json\":true}".getBytes(StandardCharsets.UTF_8));
        zk.curator().create().forPath("/mixed/half-written", "hive.server2.thrift.bind.host=h".getBytes(StandardCharsets.UTF_8));
        zk.curator().create().forPath("/mixed/empty", new byte[0]);
        ListAppender<ILoggingEvent> log = captureLog();

        HiveServerResolver resolver = resolver(HiveServerResolver.builder(zk).namespace("mixed"));

        assertThat(resolver.instances()).extracting(i -> i.endpoint().instanceUri())
                .containsExactlyInAnyOrder("127.0.0.1:" + LIVE, "127.0.0.1:41009");
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).contains("/zktoolkit/mixed/config-of-something-else")
                        .contains("neither key=value pairs nor a legacy host:port"))
                .anySatisfy(m -> assertThat(m).contains("/zktoolkit/mixed/half-written").contains("no hive.server2.thrift.port"))
                .anySatisfy(m -> assertThat(m).contains("/zktoolkit/mixed/empty").contains("no data"));
        // a later good registration still comes in, and a damaged one being fixed is picked up
        zk.curator().setData().forPath("/mixed/half-written",
                "hive.server2.thrift.bind.host=127.0.0.1;hive.server2.thrift.port=41010".getBytes(StandardCharsets.UTF_8));
        register("mixed", 41011);
        await("the view has the fixed and the new server", () -> resolver.instances().size() == 4);
        int warnings = log.list.size();
        zk.curator().create().forPath("/mixed/unrelated", "x".getBytes(StandardCharsets.UTF_8));
        await("the new bad znode was reported", () -> log.list.size() == warnings + 1);
        register("mixed", 41012);
        await("another server came in", () -> resolver.instances().size() == 5);
        assertThat(log.list).as("a bad znode is reported once, not on every change").hasSize(warnings + 1);
    }

    @Test
    void aDeadServerIsSkippedAndThenPassedOverUntilItsQuarantineEnds() throws Exception {
        register("failover", DEAD);
        register("failover", LIVE);
        HiveServerResolver resolver = resolver(HiveServerResolver.builder(zk).namespace("failover"));

        for (int i = 0; i < 10; i++) {
            try (Connection connection = resolver.connect("sales", new Properties())) {
                assertThat(port(connection)).isEqualTo(LIVE);
            }
        }
        assertThat(driver.attemptsOn(DEAD)).as("the dead server is tried at most once within its quarantine").isLessThanOrEqualTo(1);
        assertThat(driver.attemptsOn(LIVE)).isEqualTo(10);
        assertThat(driver.attempts()).allMatch(url -> url.endsWith("/sales"));
    }

    @Test
    void whenEveryServerFailsOneExceptionNamesEachWithItsCause() throws Exception {
        HiveServerRegistrar first = register("all-dead", DEAD);
        HiveServerRegistrar second = register("all-dead", ALSO_DEAD);
        HiveServerResolver resolver = resolver(HiveServerResolver.builder(zk).namespace("all-dead")
                .strategy(SelectionStrategy.RANDOM));

        SQLException failure = catchSql(() -> resolver.connect("default", new Properties()));

        assertThat(failure.getSQLState()).isEqualTo("08S01");
        assertThat(failure.getMessage())
                .startsWith("Could not connect to any of the 2 HiveServer2 instance(s) tried under /zktoolkit/all-dead")
                .contains("127.0.0.1:" + DEAD + " (" + name(first) + "): Could not open client transport")
                .contains("127.0.0.1:" + ALSO_DEAD + " (" + name(second) + "): Could not open client transport");
        assertThat(failure.getSuppressed()).hasSize(2).allMatch(SQLException.class::isInstance);
        assertThat(driver.attempts()).hasSize(2);
    }

    @Test
    void withNothingRegisteredTheConnectWaitsThenSaysWhereItLooked() throws Exception {
        HiveServerResolver resolver = resolver(HiveServerResolver.builder(zk).namespace("empty")
                .instanceWait(Duration.ofMillis(300)));

        long start = System.nanoTime();
        SQLException failure = catchSql(() -> resolver.connect("default", new Properties()));

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(250);
        assertThat(failure.getSQLState()).isEqualTo("08001");
        assertThat(failure.getMessage()).contains("No HiveServer2 registered under /zktoolkit/empty")
                .contains(zk.connectString());
    }

    @Test
    void aServerRegisteringWhileAConnectWaitsIsUsed() throws Exception {
        HiveServerResolver resolver = resolver(HiveServerResolver.builder(zk).namespace("late"));

        Thread registering = new Thread(() -> {
            try {
                Thread.sleep(300);
                register("late", LIVE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        registering.start();
        try (Connection connection = resolver.connect("default", new Properties())) {
            assertThat(port(connection)).isEqualTo(LIVE);
        }
        registering.join();
    }

    @Test
    void theDirectUrlCarriesThePublishedSettingsAndTheCallersParameters() throws Exception {
        HiveServerRegistrar registrar = HiveServerRegistrar.builder(zk,
                HiveServerEndpoint.http("127.0.0.1", LIVE, "cliservice").withSsl(true)).namespace("http").build();
        closeables.add(registrar);
        registrar.start();
        HiveServerResolver resolver = resolver(HiveServerResolver.builder(zk).namespace("http"));

        try (Connection connection = resolver.connect("sales", Map.of("fetchSize", "1000"), new Properties())) {
            assertThat(connection.toString()).isEqualTo("jdbc:hive2://127.0.0.1:" + LIVE
                    + "/sales;transportMode=http;httpPath=cliservice;ssl=true;fetchSize=1000");
        }
        assertThat(resolver.stockJdbcUrl("sales")).isEqualTo(registrar.stockJdbcUrl("sales"));
    }

    @Test
    void inActivePassiveModeOnlyTheLeaderIsOfferedAndItsSuccessorAfterIt() throws Exception {
        driver.live(41021);
        driver.live(41022);
        HiveServerRegistrar first = HiveServerRegistrar.builder(zk, HiveServerEndpoint.binary("127.0.0.1", 41021))
                .mode(HiveDiscoveryMode.ZOOKEEPER_HA).namespace("ha").build();
        HiveServerRegistrar second = HiveServerRegistrar.builder(zk, HiveServerEndpoint.binary("127.0.0.1", 41022))
                .mode(HiveDiscoveryMode.ZOOKEEPER_HA).namespace("ha").build();
        closeables.add(first);
        closeables.add(second);
        first.start();
        second.start();
        HiveServerResolver resolver = resolver(HiveServerResolver.builder(zk).mode(HiveDiscoveryMode.ZOOKEEPER_HA)
                .namespace("ha").strategy(SelectionStrategy.ROUND_ROBIN));
        await("both registered, one active", () -> resolver.instances().size() == 2
                && resolver.instances().stream().filter(HiveServerInstance::active).count() == 1);
        HiveServerRegistrar leader = first.isActive() ? first : second;
        HiveServerRegistrar standby = leader == first ? second : first;

        for (int i = 0; i < 4; i++) {
            try (Connection connection = resolver.connect("default", new Properties())) {
                assertThat(port(connection)).isEqualTo(leader.endpoint().port());
            }
        }
        // A leader that stops answering leaves the registry a moment later (here 500 ms after the
        // connect met it dead): the connect waits for the successor rather than failing.
        driver.dead(leader.endpoint().port());
        java.util.concurrent.CompletableFuture<Void> leaving = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(500);
                leader.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try (Connection connection = resolver.connect("default", new Properties())) {
            assertThat(port(connection)).as("the connect waited for the successor").isEqualTo(standby.endpoint().port());
        }
        leaving.get(30, TimeUnit.SECONDS);
        assertThat(driver.attemptsOn(leader.endpoint().port())).as("the dead leader, tried once").isEqualTo(5);
        assertThat(driver.attemptsOn(standby.endpoint().port())).isEqualTo(1);
    }

    @Test
    void afterTheResolversSessionExpiresTheViewHoldsNoPhantom() throws Exception {
        ToolkitClient resolverClient = client();
        HiveServerRegistrar staying = register("phantoms", LIVE);
        HiveServerRegistrar leaving = register("phantoms", DEAD);
        HiveServerResolver resolver = resolver(HiveServerResolver.builder(resolverClient).namespace("phantoms"));
        assertThat(resolver.instances()).hasSize(2);

        SessionExpiry.expire(resolverClient.curator().getZookeeperClient().getZooKeeper(), quorum.connectString());
        leaving.close();
        HiveServerRegistrar arriving = register("phantoms", 41031);

        await("the view is the ensemble's again", () -> resolver.instances().stream().map(HiveServerInstance::name).toList()
                .equals(List.of(name(staying), name(arriving)).stream().sorted().toList()));
    }

    @Test
    void aServerRegisteredInAnotherFormatIsNotMistakenForOne() throws Exception {
        // an HA resolver ignores non-instance children, as Hive's registry does
        zk.curator().create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT)
                .forPath("/other-unsecure/instances/pnode0", "x".getBytes(StandardCharsets.UTF_8));
        HiveServerResolver resolver = resolver(HiveServerResolver.builder(zk).mode(HiveDiscoveryMode.ZOOKEEPER_HA)
                .namespace("other").instanceWait(Duration.ZERO));

        assertThat(resolver.instances()).isEmpty();
        assertThatThrownBy(() -> resolver.connect("default", new Properties())).isInstanceOf(SQLException.class)
                .hasMessageContaining("No HiveServer2 registered under /zktoolkit/other-unsecure/instances");
    }

    @Test
    void openPassesOverExcludedServersAndSaysWhichItReached() throws Exception {
        driver.live(41041);
        HiveServerRegistrar lost = register("excluding", LIVE);
        HiveServerRegistrar other = register("excluding", 41041);
        // least recently failed: with none failed yet it takes turns, so without the exclusion half the opens would go to LIVE
        HiveServerResolver resolver = resolver(HiveServerResolver.builder(zk).namespace("excluding"));
        HiveServerInstance lostInstance = resolver.instances().stream().filter(i -> i.name().equals(name(lost)))
                .findFirst().orElseThrow();

        for (int i = 0; i < 4; i++) {
            HiveServerConnection opened = resolver.open("default", Map.of(), new Properties(), java.util.Set.of(name(lost)));
            assertThat(opened.server().name()).isEqualTo(name(other));
            assertThat(port(opened.connection())).isEqualTo(41041);
        }
        assertThat(driver.attemptsOn(LIVE)).as("an excluded server is never tried, although it takes connections").isZero();

        // noted as failed outside a connect: passed over by plain connects during its quarantine
        resolver.noteFailure(lostInstance);
        for (int i = 0; i < 4; i++) {
            try (Connection connection = resolver.connect("default", new Properties())) {
                assertThat(port(connection)).isEqualTo(41041);
            }
        }
        assertThat(resolver.registry()).isEqualTo("/zktoolkit/excluding on ZooKeeper " + zk.connectString());
    }

    @Test
    void withOnlyExcludedServersRegisteredOpenWaitsForAnotherThenNamesThem() throws Exception {
        HiveServerRegistrar lost = register("only-excluded", LIVE);
        HiveServerResolver resolver = resolver(HiveServerResolver.builder(zk).namespace("only-excluded")
                .instanceWait(Duration.ofMillis(300)));

        SQLException failure = catchSql(() -> resolver.open("default", Map.of(), new Properties(), java.util.Set.of(name(lost))));

        assertThat(failure.getSQLState()).isEqualTo("08001");
        assertThat(failure.getMessage()).contains("No HiveServer2 registered under /zktoolkit/only-excluded apart from "
                + "the excluded [" + name(lost) + "]").contains(zk.connectString());
        assertThat(driver.attempts()).isEmpty();

        Thread registering = new Thread(() -> {
            try {
                Thread.sleep(100);
                driver.live(41042);
                register("only-excluded", 41042);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        registering.start();
        HiveServerConnection opened = resolver.open("default", Map.of(), new Properties(), java.util.Set.of(name(lost)));
        registering.join();
        assertThat(port(opened.connection())).as("a server registering during the wait is used").isEqualTo(41042);
    }

    private static String name(HiveServerRegistrar registrar) {
        String path = registrar.znodePath().orElseThrow();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static ListAppender<ILoggingEvent> captureLog() {
        Logger logger = (Logger) LoggerFactory.getLogger(HiveServerResolver.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN)) {
                    super.append(event);
                }
            }
        };
        appender.start();
        logger.addAppender(appender);
        return appender;
    }

    @FunctionalInterface
    private interface SqlCall {
        void run() throws SQLException;
    }

    private static SQLException catchSql(SqlCall call) {
        try {
            call.run();
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError("expected an SQLException");
    }
}
