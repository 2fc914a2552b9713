package io.zktoolkit.discovery.hive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.zktoolkit.discovery.hive.Eventually.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zktoolkit.config.AclMode;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.settings.Secret;
import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.InJvmQuorum;
import io.zktoolkit.it.harness.SessionExpiry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link HiveServerRegistrar} on a real 3-server ensemble, inspected the way a stock Hive client
 * sees it: a plain Curator client at the ensemble's root, without credentials.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HiveServerRegistrarTest {
    private static final String NAME = "serverUri=127\\.0\\.0\\.1:45221;version=2\\.3\\.9;sequence=\\d{10}";
    private static InJvmQuorum quorum;
    /** What a stock client is: no namespace, no credentials. */
    private static CuratorFramework stockView;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void startQuorum() throws InterruptedException {
        quorum = InJvmQuorum.start(3);
        stockView = CuratorFrameworkFactory.newClient(quorum.connectString(), new RetryOneTime(100));
        stockView.start();
        stockView.blockUntilConnected();
    }

    @AfterAll
    static void stopQuorum() throws Exception {
        stockView.close();
        quorum.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private ToolkitClient client(ToolkitSettings.Builder settings) {
        ToolkitClient zk = ToolkitClient.open(settings.set(ToolkitKeys.CONNECT, quorum.connectString()).build());
        closeables.add(zk);
        return zk;
    }

    private ToolkitClient client() {
        return client(ToolkitSettings.builder());
    }

    private HiveServerRegistrar started(HiveServerRegistrar.Builder builder) {
        HiveServerRegistrar registrar = builder.build();
        closeables.add(registrar);
        registrar.start();
        return registrar;
    }

    private static List<String> children(String path) throws Exception {
        stockView.sync().forPath(path);
        return stockView.getChildren().forPath(path);
    }

    @Test
    void registersOneEphemeralSequentialNodeInHivesLayoutUnderTheCuratorNamespace() throws Exception {
        ToolkitClient zk = client();   // namespace zktoolkit, the default
        HiveServerRegistrar registrar = started(HiveServerRegistrar.builder(zk, HiveServerEndpoint.binary("127.0.0.1", 45221))
                .version("2.3.9"));

        List<String> nodes = children("/zktoolkit/hiveserver2");
        assertThat(nodes).singleElement().asString().matches(NAME);
        String path = "/zktoolkit/hiveserver2/" + nodes.get(0);
        Stat stat = new Stat();
        String data = new String(stockView.getData().storingStatIn(stat).forPath(path), StandardCharsets.UTF_8);
        assertThat(data).isEqualTo("hive.server2.instance.uri=127.0.0.1:45221;hive.server2.thrift.bind.host=127.0.0.1;"
                + "hive.server2.transport.mode=binary;hive.server2.thrift.port=45221;hive.server2.thrift.sasl.qop=auth;"
                + "hive.server2.authentication=NONE;hive.server2.use.SSL=false");
        assertThat(stat.getEphemeralOwner()).isEqualTo(zk.curator().getZookeeperClient().getZooKeeper().getSessionId());
        assertThat(stockView.checkExists().forPath("/zktoolkit/hiveserver2").getEphemeralOwner()).as("parent persistent").isZero();
        assertThat(registrar.znodePath()).contains(path);
        assertThat(registrar.isActive()).isTrue();
        assertThat(registrar.stockJdbcUrl("sales")).isEqualTo("jdbc:hive2://" + zk.connectString()
                + "/sales;serviceDiscoveryMode=zooKeeper;zooKeeperNamespace=zktoolkit/hiveserver2");

        registrar.close();
        assertThat(children("/zktoolkit/hiveserver2")).isEmpty();
        assertThat(stockView.checkExists().forPath("/zktoolkit/hiveserver2")).as("the namespace stays").isNotNull();
        assertThat(registrar.state()).isEqualTo(HiveServerRegistrar.State.CLOSED);
        assertThat(registrar.isActive()).isFalse();
    }

    @Test
    void withAnEmptyCuratorNamespaceItSharesHivesOwnRoot() throws Exception {
        ToolkitClient zk = client(ToolkitSettings.builder().set(ToolkitKeys.NAMESPACE, ""));
        HiveServerRegistrar registrar = started(HiveServerRegistrar.builder(zk, HiveServerEndpoint.binary("127.0.0.1", 45221))
                .namespace("hs2-root-test").version("2.3.9"));

        assertThat(children("/hs2-root-test")).singleElement().asString().matches(NAME);
        assertThat(registrar.stockJdbcUrl("")).endsWith("/;serviceDiscoveryMode=zooKeeper;zooKeeperNamespace=hs2-root-test");
    }

    @Test
    void afterSessionExpiryTheSameNodeComesBackOnceUnderTheNewSession() throws Exception {
        ToolkitClient zk = client(ToolkitSettings.builder().set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofSeconds(3)));
        List<String> registered = new CopyOnWriteArrayList<>();
        HiveServerRegistrar registrar = HiveServerRegistrar.builder(zk, HiveServerEndpoint.binary("127.0.0.1", 45221))
                .namespace("expiry").version("2.3.9").build();
        closeables.add(registrar);
        registrar.getListenable().addListener(registered::add);
        registrar.start();
        String path = registrar.znodePath().orElseThrow();
        long firstSession = stockView.checkExists().forPath(path).getEphemeralOwner();

        SessionExpiry.expire(zk.curator().getZookeeperClient().getZooKeeper(), quorum.connectString());

        await("the registration is back under a new session", () -> {
            Stat stat = stockView.checkExists().forPath(path);
            return stat != null && stat.getEphemeralOwner() != firstSession
                    && stat.getEphemeralOwner() == zk.curator().getZookeeperClient().getZooKeeper().getSessionId();
        });
        assertThat(children("/zktoolkit/expiry")).as("no duplicate, no phantom").containsExactly(path.substring(path.lastIndexOf('/') + 1));
        assertThat(new String(stockView.getData().forPath(path), StandardCharsets.UTF_8))
                .isEqualTo(HiveServerEndpoint.binary("127.0.0.1", 45221).znodeData());
        await("the listener heard both creations", () -> registered.size() == 2);
        assertThat(registered).containsOnly(path);
        assertThat(registrar.isActive()).isTrue();
    }

    @Test
    void aStrayDuplicateOfOurOwnSessionIsRemoved() throws Exception {
        ToolkitClient zk = client();
        HiveServerEndpoint endpoint = HiveServerEndpoint.binary("127.0.0.1", 45221);
        // What a create retried after a lost reply leaves behind: the same name prefix, in the same session.
        String stray = zk.curator().create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                .forPath("/strays/serverUri=127.0.0.1:45221;version=2.3.9;sequence=",
                        endpoint.znodeData().getBytes(StandardCharsets.UTF_8));

        HiveServerRegistrar registrar = started(HiveServerRegistrar.builder(zk, endpoint).namespace("strays").version("2.3.9"));

        String ours = registrar.znodePath().orElseThrow();
        await("only the registrar's own node is left", () -> children("/zktoolkit/strays").size() == 1);
        assertThat(children("/zktoolkit/strays")).containsExactly(ours.substring(ours.lastIndexOf('/') + 1));
        assertThat(stockView.checkExists().forPath("/zktoolkit" + stray)).isNull();
    }

    @Test
    void withCreatorOnlyAclsStockClientsCanStillReadButNotChangeTheRegistration() throws Exception {
        ToolkitClient zk = client(ToolkitSettings.builder().set(ToolkitKeys.NAMESPACE, "secured")
                .set(ToolkitKeys.AUTH_DIGEST, Secret.of("hive:s3cret")).set(ToolkitKeys.ACL, AclMode.CREATOR));
        zk.curator().create().forPath("/private", "x".getBytes(StandardCharsets.UTF_8));
        HiveServerRegistrar registrar = started(HiveServerRegistrar.builder(zk, HiveServerEndpoint.binary("127.0.0.1", 45221))
                .version("2.3.9"));
        String path = registrar.znodePath().orElseThrow();

        for (String node : List.of("/secured/hiveserver2", path)) {
            List<ACL> acl = stockView.getACL().forPath(node);
            assertThat(acl).as(node).anyMatch(a -> a.getId().equals(ZooDefs.Ids.ANYONE_ID_UNSAFE) && a.getPerms() == ZooDefs.Perms.READ);
            assertThat(acl).as(node).anyMatch(a -> a.getId().getScheme().equals("digest") && a.getPerms() == ZooDefs.Perms.ALL);
        }
        assertThat(children("/secured/hiveserver2")).singleElement().asString().matches(NAME);
        assertThat(new String(stockView.getData().forPath(path), StandardCharsets.UTF_8)).startsWith("hive.server2.instance.uri=");
        assertThatThrownBy(() -> stockView.setData().forPath(path, "hijacked".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(KeeperException.NoAuthException.class);
        // the toolkit's other nodes stay private
        assertThatThrownBy(() -> stockView.getData().forPath("/secured/private")).isInstanceOf(KeeperException.NoAuthException.class);
    }

    @Test
    void aNamespaceStockClientsCannotReadFailsTheStartNamingIt() throws Exception {
        ToolkitClient zk = client(ToolkitSettings.builder().set(ToolkitKeys.NAMESPACE, "locked")
                .set(ToolkitKeys.AUTH_DIGEST, Secret.of("hive:s3cret")).set(ToolkitKeys.ACL, AclMode.CREATOR));
        zk.curator().create().forPath("/hiveserver2");   // creator-only, made by something else
        HiveServerRegistrar registrar = HiveServerRegistrar.builder(zk, HiveServerEndpoint.binary("127.0.0.1", 45221)).build();
        closeables.add(registrar);

        assertThatThrownBy(registrar::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/locked/hiveserver2").hasMessageContaining("cannot read");
        assertThat(registrar.state()).isEqualTo(HiveServerRegistrar.State.CLOSED);
        assertThat(zk.curator().getChildren().forPath("/hiveserver2")).as("nothing registered").isEmpty();
        assertThatThrownBy(() -> children("/locked/hiveserver2")).as("what stock clients would have met")
                .isInstanceOf(KeeperException.NoAuthException.class);
    }

    @Test
    void badOptionsAreRejectedNamingTheOption() {
        ToolkitClient zk = client();
        HiveServerEndpoint endpoint = HiveServerEndpoint.binary("127.0.0.1", 45221);

        assertThatThrownBy(() -> HiveServerRegistrar.builder(zk, endpoint).namespace("/hiveserver2").version("2;3").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace '/hiveserver2'").hasMessageContaining("version '2;3'");
        assertThatThrownBy(() -> HiveServerRegistrar.builder(zk, endpoint).namespace("a b").build())
                .hasMessageContaining("namespace 'a b'");
        assertThatThrownBy(() -> HiveServerRegistrar.builder(zk, endpoint).registrationTimeout(Duration.ZERO).build())
                .hasMessageContaining("registrationTimeout");
    }

    @Test
    void startsOnceAndRefusesASecondRegistrationOfTheSameServerOnOneClient() {
        ToolkitClient zk = client();
        HiveServerEndpoint endpoint = HiveServerEndpoint.binary("127.0.0.1", 45221);
        HiveServerRegistrar first = started(HiveServerRegistrar.builder(zk, endpoint).namespace("once"));

        assertThatThrownBy(first::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("start() may be called once");
        HiveServerRegistrar second = HiveServerRegistrar.builder(zk, endpoint).namespace("once").build();
        closeables.add(second);
        assertThatThrownBy(second::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("already registered");

        first.close();
        HiveServerRegistrar third = started(HiveServerRegistrar.builder(zk, endpoint).namespace("once"));
        assertThat(third.isActive()).isTrue();
    }

    @Test
    void theNodeGoesAwayWhenTheRegisteringProcessIsKilled() throws Exception {
        int sessionMs = 2000;
        try (ChildJvm server = ChildJvm.builder(RegistrarMain.class.getName()).name("registrar").jvmOption("-Xmx96m")
                .args(quorum.connectString(), "45999", Integer.toString(sessionMs)).start()) {
            String line = server.awaitLine(l -> l.startsWith("REGISTERED "), Duration.ofSeconds(60));
            String path = line.substring("REGISTERED ".length());
            assertThat(stockView.checkExists().forPath(path)).isNotNull();

            long killed = System.nanoTime();
            server.kill9();
            await("the killed server's registration expired", () -> stockView.checkExists().forPath(path) == null);
            long goneMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            System.out.printf("kill -9 of the registering process: registration gone after %d ms (session timeout %d ms)%n",
                    goneMs, sessionMs);
            assertThat(goneMs).isLessThan(sessionMs + 10_000L);
        }
    }

    @Test
    void activePassiveHaOffersOnlyTheLeaderAndHandsOverOnClose() throws Exception {
        ToolkitClient zk = client();
        HiveServerRegistrar first = started(HiveServerRegistrar.builder(zk, HiveServerEndpoint.binary("127.0.0.1", 45001))
                .mode(HiveDiscoveryMode.ZOOKEEPER_HA));
        HiveServerRegistrar second = started(HiveServerRegistrar.builder(zk, HiveServerEndpoint.binary("127.0.0.1", 45002))
                .mode(HiveDiscoveryMode.ZOOKEEPER_HA));
        String instances = "/zktoolkit/hs2ActivePassiveHA-unsecure/instances";

        await("one leader", () -> first.isActive() ^ second.isActive());
        await("the leader's record alone is active", () -> activePorts(instances).size() == 1);
        HiveServerRegistrar leader = first.isActive() ? first : second;
        HiveServerRegistrar standby = leader == first ? second : first;
        assertThat(children(instances)).hasSize(2).allMatch(n -> n.matches("instance-\\d{10}"));
        assertThat(children("/zktoolkit/hs2ActivePassiveHA-unsecure/_LEADER")).hasSize(2);
        assertThat(activePorts(instances)).containsExactly(leader.endpoint().port());
        assertThat(leader.stockJdbcUrl("")).endsWith(
                "/;serviceDiscoveryMode=zooKeeperHA;zooKeeperNamespace=zktoolkit/hs2ActivePassiveHA");

        leader.close();
        await("the standby took over", standby::isActive);
        await("and published itself as active", () -> activePorts(instances).equals(List.of(standby.endpoint().port())));
        assertThat(children(instances)).hasSize(1);
    }

    private static List<Integer> activePorts(String instances) throws Exception {
        List<Integer> ports = new ArrayList<>();
        for (String child : children(instances)) {
            JsonNode record = new ObjectMapper().readTree(stockView.getData().forPath(instances + "/" + child));
            if ("activeEndpoint".equals(record.get("internal").get(0).get("api").asText())) {
                ports.add(record.get("hive.server2.thrift.port").asInt());
            }
        }
        return ports;
    }
}
