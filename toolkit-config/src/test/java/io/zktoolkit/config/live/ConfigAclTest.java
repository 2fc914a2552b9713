package io.zktoolkit.config.live;

import static io.zktoolkit.config.testing.AclClients.assertEveryNodeHas;
import static io.zktoolkit.config.testing.AclClients.assertRefused;
import static io.zktoolkit.config.testing.AclClients.root;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.AclMode;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.AclClients;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Live configuration under {@code zk.acl}: what alice publishes, nobody else changes. Real ZooKeeper server. */
class ConfigAclTest {
    private static final String SET = "jobs/daily-orders";
    private final AclClients clients = new AclClients();

    @AfterEach
    void close() {
        clients.close();
    }

    @ParameterizedTest
    @EnumSource(AclMode.class)
    void everyNodeAPublishAndRollbackCreateCarriesTheAclMode(AclMode mode) throws Exception {
        ToolkitClient alice = clients.alice(mode);
        ConfigStore store = ConfigStore.builder(alice).historySize(2).build();
        store.publish(ConfigUpdate.on(store.read(SET)).set("mappers", "4"));
        store.publish(ConfigUpdate.on(store.read(SET)).set("mappers", "8"));
        store.publish(ConfigUpdate.on(store.read(SET)).set("mappers", "16"));
        store.rollback(SET, 2, 3);

        // namespace root, store root, sets/ and history/ folders, the set and its kept versions
        assertThat(assertEveryNodeHas(mode, alice, p -> false)).isGreaterThanOrEqualTo(9);
    }

    @Test
    void anotherUserCanReadButNeitherPublishNorRollBackUnderCreatorWorldRead() throws Exception {
        ToolkitClient alice = clients.alice(AclMode.CREATOR_WORLD_READ);
        ConfigStore owned = ConfigStore.builder(alice).build();
        owned.publish(ConfigUpdate.on(owned.read(SET)).set("mappers", "4"));
        owned.publish(ConfigUpdate.on(owned.read(SET)).set("mappers", "8"));

        for (ToolkitClient other : new ToolkitClient[] {clients.mallory(), clients.anonymous()}) {
            ConfigStore store = ConfigStore.builder(other).build();
            ConfigSnapshot current = store.read(SET);
            assertThat(current.getInt("mappers", 0)).isEqualTo(8);
            var denied = assertRefused(alice, "/zktoolkit/config/sets/" + SET,
                    () -> store.publish(ConfigUpdate.on(current).set("mappers", "666")));
            assertThat(denied).hasMessageStartingWith("Access denied: could not publish version 3 of configuration set " + SET);
            assertRefused(alice, "/zktoolkit/config/sets/" + SET, () -> store.rollback(SET, 1, 2));
            // a set of its own in alice's store is refused too: the folders are alice's
            assertRefused(alice, "/zktoolkit/config", () -> store.publish(ConfigUpdate.on(store.read("jobs/other")).set("k", "v")));
        }
        assertThat(owned.read(SET).version()).isEqualTo(2);
    }

    @Test
    void anotherUserCannotEvenReadUnderCreator() throws Exception {
        ToolkitClient alice = clients.alice(AclMode.CREATOR);
        ConfigStore owned = ConfigStore.builder(alice).build();
        owned.publish(ConfigUpdate.on(owned.read(SET)).set("password.file", "/etc/job/secret"));

        ConfigStore store = ConfigStore.builder(clients.mallory()).build();
        var denied = assertRefused(alice, "/zktoolkit/config/sets/" + SET, () -> store.read(SET));
        assertThat(denied).hasMessageStartingWith("Access denied: could not read configuration set " + SET);
        assertRefused(alice, "/zktoolkit/config/", () -> store.rollback(SET, 1, 1));
    }

    @Test
    void theAclItselfRefusesAPlainWriteAndAliceStillPublishes() throws Exception {
        ToolkitClient alice = clients.alice(AclMode.CREATOR_WORLD_READ);
        ConfigStore owned = ConfigStore.builder(alice).build();
        owned.publish(ConfigUpdate.on(owned.read(SET)).set("mappers", "4"));
        // the ACL itself, not the toolkit, is what refuses: a plain write by mallory fails in ZooKeeper
        ToolkitClient mallory = clients.mallory();
        assertThatThrownBy(() -> root(mallory).setData().forPath("/zktoolkit/config/sets/" + SET, "mappers=666".getBytes()))
                .isInstanceOf(KeeperException.NoAuthException.class);
        assertThat(owned.publish(ConfigUpdate.on(owned.read(SET)).set("mappers", "5")).version()).isEqualTo(2);
    }
}
