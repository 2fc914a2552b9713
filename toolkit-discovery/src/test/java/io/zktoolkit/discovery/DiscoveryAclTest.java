package io.zktoolkit.discovery;

import static io.zktoolkit.config.testing.AclClients.aliceAcl;
import static io.zktoolkit.config.testing.AclClients.acls;
import static io.zktoolkit.config.testing.AclClients.assertEveryNodeHas;
import static io.zktoolkit.config.testing.AclClients.assertRefused;
import static io.zktoolkit.config.testing.AclClients.root;
import static io.zktoolkit.config.testing.AclClients.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.AclMode;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.AclClients;
import io.zktoolkit.config.testing.ZnodeTree;
import io.zktoolkit.discovery.hive.HiveServerEndpoint;
import io.zktoolkit.discovery.hive.HiveServerRegistrar;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The service registry and Hive registrations under {@code zk.acl}: alice's instances stay hers,
 * and HiveServer2 znodes stay readable by stock clients without credentials. Real ZooKeeper server.
 */
class DiscoveryAclTest {
    private final AclClients clients = new AclClients();

    @AfterEach
    void close() {
        clients.close();
    }

    private static ServiceEndpoint worker(String address) {
        return ServiceEndpoint.builder("sqoop-worker").id("worker-1").address(address).port(4711).build();
    }

    @ParameterizedTest
    @EnumSource(AclMode.class)
    void everyNodeCarriesTheAclModeAndHiveNodesStayWorldReadable(AclMode mode) throws Exception {
        ToolkitClient alice = clients.alice(mode);
        ServiceRegistry registry = clients.closeLater(ServiceRegistry.create(alice));
        registry.start();
        registry.register(worker("edge-3"));
        HiveServerRegistrar registrar = clients.closeLater(
                HiveServerRegistrar.builder(alice, HiveServerEndpoint.binary("127.0.0.1", 45221)).version("3.1.3").build());
        registrar.start();

        assertThat(assertEveryNodeHas(mode, alice, p -> p.startsWith("/zktoolkit/hiveserver2"))).isGreaterThanOrEqualTo(4);
        // Hive's nodes: creator-world-read under the creator modes (stock clients bring no credentials)
        AclMode hive = mode == AclMode.OPEN ? AclMode.OPEN : AclMode.CREATOR_WORLD_READ;
        Map<String, ?> hiveNodes = acls(alice);
        hiveNodes.keySet().removeIf(p -> !p.startsWith("/zktoolkit/hiveserver2"));
        assertThat(hiveNodes).hasSize(2).allSatisfy((path, acl) -> assertThat(acl).as(path).isEqualTo(aliceAcl(hive)));
    }

    @Test
    void anotherUserCannotOverwriteOrDeregisterAliceInstance() throws Exception {
        ToolkitClient alice = clients.alice(AclMode.CREATOR_WORLD_READ);
        ServiceRegistry owned = clients.closeLater(ServiceRegistry.create(alice));
        owned.start();
        owned.register(worker("edge-3"));
        String instance = "/zktoolkit/services/sqoop-worker/worker-1";

        for (ToolkitClient other : new ToolkitClient[] {clients.mallory(), clients.anonymous()}) {
            ServiceRegistry registry = clients.closeLater(ServiceRegistry.create(other));
            registry.start();
            var denied = assertRefused(alice, "/zktoolkit/services/sqoop-worker", () -> registry.register(worker("evil-host")));
            assertThat(denied).hasMessageStartingWith("Access denied: could not register sqoop-worker instance worker-1");
            Map<String, String> before = snapshot(alice);
            assertThatThrownBy(() -> root(other).delete().forPath(instance)).isInstanceOf(KeeperException.NoAuthException.class);
            assertThatThrownBy(() -> root(other).setData().forPath(instance, "{}".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(KeeperException.NoAuthException.class);
            assertThat(snapshot(alice)).isEqualTo(before);
        }
        assertThat(new String(root(alice).getData().forPath(instance), StandardCharsets.UTF_8)).contains("edge-3");
    }

    @Test
    void stockAnonymousClientsReadAndListHiveRegistrationsButCannotChangeThem() throws Exception {
        ToolkitClient alice = clients.alice(AclMode.CREATOR);
        HiveServerRegistrar registrar = clients.closeLater(
                HiveServerRegistrar.builder(alice, HiveServerEndpoint.binary("127.0.0.1", 45221)).version("3.1.3").build());
        registrar.start();
        String node = registrar.znodePath().orElseThrow();

        CuratorFramework stock = clients.closeLater(ZnodeTree.plainClient(clients.connectString()));
        assertThat(stock.getChildren().forPath("/zktoolkit/hiveserver2")).hasSize(1);
        assertThat(new String(stock.getData().forPath(node), StandardCharsets.UTF_8)).contains("hive.server2.thrift.port=45221");
        Map<String, String> before = snapshot(alice);
        assertThatThrownBy(() -> stock.setData().forPath(node, "hijacked".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(KeeperException.NoAuthException.class);
        assertThatThrownBy(() -> stock.delete().forPath(node)).isInstanceOf(KeeperException.NoAuthException.class);
        assertThatThrownBy(() -> stock.create().forPath("/zktoolkit/hiveserver2/serverUri=evil:1;version=3.1.3;sequence=0000000009"))
                .isInstanceOf(KeeperException.NoAuthException.class);
        assertThat(snapshot(alice)).isEqualTo(before);

        // another user registering a server in alice's Hive namespace is refused, naming it
        ToolkitClient mallory = clients.mallory();
        HiveServerRegistrar intruder = clients.closeLater(HiveServerRegistrar.builder(mallory, HiveServerEndpoint.binary("evil", 10000))
                .registrationTimeout(Duration.ofSeconds(2)).build());
        var denied = assertRefused(alice, "/zktoolkit/hiveserver2", intruder::start);
        assertThat(denied).hasMessageStartingWith("Access denied: could not register HiveServer2 evil:10000 under /zktoolkit/hiveserver2");
        assertThat(intruder.state()).isEqualTo(HiveServerRegistrar.State.CLOSED);
    }
}
