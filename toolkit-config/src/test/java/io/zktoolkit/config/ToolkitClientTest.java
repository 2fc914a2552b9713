package io.zktoolkit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.embedded.EmbeddedEnsemble;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ToolkitClientTest {
    @TempDir
    Path dir;

    @Test
    void embeddedDefaultConnectsUnderTheNamespaceAndStopsTheServerOnClose() throws Exception {
        EmbeddedEnsemble ensemble;
        String connectString;
        try (ToolkitClient zk = ToolkitClient.open(ToolkitSettings.defaults())) {
            assertThat(zk.state()).isEqualTo(ToolkitClient.State.STARTED);
            assertThat(zk.curator().getZookeeperClient().isConnected()).isTrue();
            ensemble = zk.embeddedEnsemble().orElseThrow();
            connectString = zk.connectString();
            assertThat(connectString).isEqualTo(ensemble.connectString());
            zk.curator().create().forPath("/job", "x".getBytes(StandardCharsets.UTF_8));
            // the node sits under the default namespace on the server
            try (CuratorFramework raw = CuratorFrameworkFactory.newClient(connectString, new RetryNTimes(3, 100))) {
                raw.start();
                assertThat(raw.checkExists().forPath("/zktoolkit/job")).isNotNull();
            }
        }
        assertThat(ensemble.state()).isEqualTo(EmbeddedEnsemble.State.CLOSED);
    }

    @Test
    void opensFromAPropertiesFileWithAnEmbeddedQuorum() throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "zk.embedded.servers=3\nzk.namespace=team/etl\nzk.session.timeout=5s\n");
        try (ToolkitClient zk = ToolkitClient.open(file)) {
            assertThat(zk.embeddedEnsemble().orElseThrow().size()).isEqualTo(3);
            assertThat(zk.curator().getNamespace()).isEqualTo("team/etl");
            assertThat(zk.curator().getZookeeperClient().getConnectionTimeoutMs()).isEqualTo(5_000);
            zk.curator().create().creatingParentsIfNeeded().forPath("/a/b");
            assertThat(zk.curator().getChildren().forPath("/a")).containsExactly("b");
            // the session timeout the client asked for was granted, not capped by the embedded server
            assertThat(zk.curator().getZookeeperClient().getZooKeeper().getSessionTimeout()).isEqualTo(5_000);
        }
    }

    @Test
    void unreachableEnsembleFailsWithinTheConnectionTimeoutNamingTheConnectString() throws Exception {
        int closedPort = closedPort();
        ToolkitSettings settings = ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, "127.0.0.1:" + closedPort)
                .set(ToolkitKeys.CONNECTION_TIMEOUT, Duration.ofSeconds(1))
                .source("unreachable.properties")
                .build();
        long start = System.nanoTime();
        assertThatThrownBy(() -> ToolkitClient.open(settings))
                .isInstanceOf(ZooKeeperUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + closedPort)
                .hasMessageContaining("within 1000 ms")
                .hasMessageContaining("zk.connection.timeout in unreachable.properties")
                .satisfies(e -> assertThat(((ZooKeeperUnavailableException) e).connectString())
                        .isEqualTo("127.0.0.1:" + closedPort));
        // a guard against hanging, not a speed claim: the limit is ten times the timeout
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    /** A port nothing listens on: bound once by the OS, then released. */
    private static int closedPort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void unresolvableHostsFailAtOnce() {
        ToolkitSettings settings = ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, "no-such-host.invalid:2181").build();
        assertThatThrownBy(() -> ToolkitClient.open(settings))
                .isInstanceOf(ZooKeeperUnavailableException.class)
                .hasMessageContaining("no-such-host.invalid:2181")
                .hasMessageContaining("no host resolves");
    }

    /** Curator 5.9.0 alone leaves one idle "Curator-SafeNotifyService" thread per closed client. */
    @Test
    void closedClientsLeaveNoThreadBehind() throws Exception {
        try (EmbeddedEnsemble ensemble = EmbeddedEnsemble.builder().build()) {
            ensemble.start();
            ToolkitSettings settings = ToolkitSettings.builder().set(ToolkitKeys.CONNECT, ensemble.connectString()).build();
            for (int i = 0; i < 5; i++) {
                try (ToolkitClient zk = ToolkitClient.open(settings)) {
                    java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
                    zk.curator().runSafe(ran::countDown);
                    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && !safeNotifyThreads().isEmpty()) {
                Thread.sleep(50);
            }
            assertThat(safeNotifyThreads()).isEmpty();
        }
    }

    private static java.util.List<String> safeNotifyThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.equals(ToolkitClient.SAFE_NOTIFY_THREAD) || n.startsWith("Curator-SafeNotifyService")).toList();
    }

    @Test
    void invalidSettingsStartNothing() throws Exception {
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "zk.embedded.servers=4\n");
        assertThatThrownBy(() -> ToolkitClient.open(file))
                .isInstanceOf(io.zktoolkit.config.settings.SettingsException.class)
                .hasMessageContaining(file.toString());
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("zkservermainrunner"));
    }

    @Test
    void creatorAclKeepsClientsWithoutCredentialsFromChangingNodes() throws Exception {
        try (EmbeddedEnsemble ensemble = EmbeddedEnsemble.builder().build()) {
            ensemble.start();
            ToolkitSettings alice = ToolkitSettings.builder()
                    .set(ToolkitKeys.CONNECT, ensemble.connectString())
                    .set(ToolkitKeys.AUTH_DIGEST, io.zktoolkit.config.settings.Secret.of("alice:s3cret"))
                    .set(ToolkitKeys.ACL, AclMode.CREATOR_WORLD_READ)
                    .build();
            try (ToolkitClient zk = ToolkitClient.open(alice)) {
                zk.curator().create().creatingParentsIfNeeded().forPath("/config/db", "v1".getBytes(StandardCharsets.UTF_8));
                assertThat(zk.curator().getACL().forPath("/config/db"))
                        .anyMatch(acl -> acl.getId().getScheme().equals("digest") && acl.getPerms() == ZooDefs.Perms.ALL)
                        .anyMatch(acl -> acl.getId().getScheme().equals("world") && acl.getPerms() == ZooDefs.Perms.READ);
            }
            try (CuratorFramework anonymous = CuratorFrameworkFactory.newClient(ensemble.connectString(), new RetryNTimes(3, 100))) {
                anonymous.start();
                assertThat(new String(anonymous.getData().forPath("/zktoolkit/config/db"), StandardCharsets.UTF_8)).isEqualTo("v1");
                assertThatThrownBy(() -> anonymous.setData().forPath("/zktoolkit/config/db", "evil".getBytes(StandardCharsets.UTF_8)))
                        .isInstanceOf(KeeperException.NoAuthException.class);
                assertThatThrownBy(() -> anonymous.delete().forPath("/zktoolkit/config/db"))
                        .isInstanceOf(KeeperException.NoAuthException.class);
                assertThat(new String(anonymous.getData().forPath("/zktoolkit/config/db"), StandardCharsets.UTF_8)).isEqualTo("v1");
            }
            // another user with the wrong password cannot change it either
            ToolkitSettings mallory = ToolkitSettings.builder()
                    .set(ToolkitKeys.CONNECT, ensemble.connectString())
                    .set(ToolkitKeys.AUTH_DIGEST, io.zktoolkit.config.settings.Secret.of("alice:wrong"))
                    .set(ToolkitKeys.ACL, AclMode.CREATOR)
                    .build();
            try (ToolkitClient zk = ToolkitClient.open(mallory)) {
                assertThatThrownBy(() -> zk.curator().setData().forPath("/config/db", "evil".getBytes(StandardCharsets.UTF_8)))
                        .isInstanceOf(KeeperException.NoAuthException.class);
            }
        }
    }

    @Test
    void creatorOnlyAclHidesDataFromOthers() throws Exception {
        try (EmbeddedEnsemble ensemble = EmbeddedEnsemble.builder().build()) {
            ensemble.start();
            ToolkitSettings bob = ToolkitSettings.builder()
                    .set(ToolkitKeys.CONNECT, ensemble.connectString())
                    .set(ToolkitKeys.AUTH_DIGEST, io.zktoolkit.config.settings.Secret.of("bob:pw"))
                    .set(ToolkitKeys.ACL, AclMode.CREATOR)
                    .build();
            try (ToolkitClient zk = ToolkitClient.open(bob)) {
                zk.curator().create().forPath("/private", "p".getBytes(StandardCharsets.UTF_8));
                assertThat(zk.curator().getData().forPath("/private")).isEqualTo("p".getBytes(StandardCharsets.UTF_8));
            }
            try (CuratorFramework anonymous = CuratorFrameworkFactory.newClient(ensemble.connectString(), new RetryNTimes(3, 100))) {
                anonymous.start();
                assertThatThrownBy(() -> anonymous.getData().forPath("/zktoolkit/private"))
                        .isInstanceOf(KeeperException.NoAuthException.class);
            }
        }
    }
}
