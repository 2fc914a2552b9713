package io.zktoolkit.config.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import io.zktoolkit.it.harness.SyncedRead;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EmbeddedEnsembleTest {
    @TempDir
    Path dir;

    private static CuratorFramework client(String connectString) throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.newClient(connectString, 10_000, 5_000,
                new ExponentialBackoffRetry(100, 10, 1_000));
        c.start();
        assertThat(c.blockUntilConnected(10, TimeUnit.SECONDS)).as("connected to " + connectString).isTrue();
        return c;
    }

    @Test
    void standaloneServesAndDeletesItsTemporaryDataOnClose() throws Exception {
        Path data;
        try (EmbeddedEnsemble zk = EmbeddedEnsemble.builder().build()) {
            zk.start();
            data = zk.dataDir(0);
            assertThat(zk.state()).isEqualTo(EmbeddedEnsemble.State.STARTED);
            assertThat(zk.clientPort(0)).isPositive();
            try (CuratorFramework c = client(zk.connectString())) {
                c.create().forPath("/hello", "world".getBytes(StandardCharsets.UTF_8));
                assertThat(new String(c.getData().forPath("/hello"), StandardCharsets.UTF_8)).isEqualTo("world");
            }
            assertThat(data).exists();
        }
        assertThat(data).doesNotExist();
    }

    @Test
    void keptDataDirectorySurvivesAFullRestart() throws Exception {
        try (EmbeddedEnsemble zk = EmbeddedEnsemble.builder().dataDir(dir).build()) {
            zk.start();
            try (CuratorFramework c = client(zk.connectString())) {
                c.create().creatingParentsIfNeeded().forPath("/jobs/daily", "42".getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThat(dir.resolve("server-1")).isDirectory();
        try (EmbeddedEnsemble zk = EmbeddedEnsemble.builder().dataDir(dir).build()) {
            zk.start();
            try (CuratorFramework c = client(zk.connectString())) {
                assertThat(new String(c.getData().forPath("/jobs/daily"), StandardCharsets.UTF_8)).isEqualTo("42");
            }
        }
        // ZooKeeper's generated configuration files never land in a kept data folder
        try (var files = Files.walk(dir)) {
            assertThat(files.map(Path::getFileName).map(Path::toString))
                    .noneMatch(n -> n.startsWith("zookeeper.configuration"));
        }
        assertThat(dir).exists();
    }

    @Test
    void aKeptDataFolderInUseByAnotherProcessIsRefusedNamingIt() throws Exception {
        try (io.zktoolkit.it.harness.ChildJvm holder = io.zktoolkit.it.harness.ChildJvm.builder(EmbeddedQuorumHolder.class.getName())
                .name("data-holder").jvmOption("-Xmx256m").args(dir.toString()).start()) {
            holder.awaitLine(l -> l.startsWith("READY "), java.time.Duration.ofSeconds(60));
            EmbeddedEnsemble second = EmbeddedEnsemble.builder().dataDir(dir).build();
            assertThatThrownBy(second::start).isInstanceOf(EmbeddedStartException.class)
                    .hasMessageContaining("data folder " + dir.toAbsolutePath())
                    .hasMessageContaining("in use by another process (pid " + holder.pid() + ")")
                    .hasMessageContaining("zk.embedded.data.dir");
            holder.kill9();
            holder.waitForExit(java.time.Duration.ofSeconds(30));
        }
        // The lock goes with the process, even after kill -9: the folder can be used again.
        try (EmbeddedEnsemble zk = EmbeddedEnsemble.builder().servers(3).dataDir(dir).build()) {
            zk.start();
            try (CuratorFramework c = client(zk.connectString())) {
                assertThat(c.checkExists().forPath("/zktoolkit/held")).as("the holder's data survived").isNotNull();
            }
        }
        Path solo = dir.resolve("solo");
        try (EmbeddedEnsemble first = EmbeddedEnsemble.builder().dataDir(solo).build()) {
            first.start();
            assertThatThrownBy(() -> EmbeddedEnsemble.builder().dataDir(solo).build().start())
                    .isInstanceOf(EmbeddedStartException.class).hasMessageContaining("this process already runs a server on it");
        }
    }

    @Test
    void stoppedStandaloneServerRestartsOnTheSamePortWithItsData() throws Exception {
        try (EmbeddedEnsemble zk = EmbeddedEnsemble.builder().build()) {
            zk.start();
            String before = zk.connectString();
            try (CuratorFramework c = client(before)) {
                c.create().forPath("/kept");
            }
            zk.stopServer(0);
            assertThat(zk.isRunning(0)).isFalse();
            zk.restartServer(0);
            assertThat(zk.connectString()).isEqualTo(before);
            try (CuratorFramework c = client(zk.connectString())) {
                assertThat(c.checkExists().forPath("/kept")).isNotNull();
            }
        }
    }

    @Test
    void quorumKeepsServingWithOneServerDownAndTheServerRejoins() throws Exception {
        try (EmbeddedEnsemble zk = EmbeddedEnsemble.builder().servers(3).build()) {
            zk.start();
            assertThat(zk.size()).isEqualTo(3);
            assertThat(zk.connectString().split(",")).hasSize(3);
            try (CuratorFramework c = client(zk.connectString())) {
                c.create().forPath("/counter", "0".getBytes(StandardCharsets.UTF_8));
                zk.stopServer(0);
                for (int i = 1; i <= 20; i++) {
                    c.setData().forPath("/counter", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                }
                assertThat(new String(c.getData().forPath("/counter"), StandardCharsets.UTF_8)).isEqualTo("20");
                zk.restartServer(0);
                assertThat(zk.isRunning(0)).isTrue();
            }
            // the restarted server has caught up: a client talking only to it sees the latest write
            try (CuratorFramework only = client("127.0.0.1:" + zk.clientPort(0))) {
                assertThat(new String(SyncedRead.of(only, "/counter"), StandardCharsets.UTF_8)).isEqualTo("20");
            }
        }
    }

    @Test
    void configuredPortIsUsedAndAPortInUseIsAClearError() throws Exception {
        try (EmbeddedEnsemble first = EmbeddedEnsemble.builder().build()) {
            first.start();
            int taken = first.clientPort(0);
            EmbeddedEnsemble second = EmbeddedEnsemble.builder().clientPort(taken).build();
            assertThatThrownBy(second::start)
                    .isInstanceOf(EmbeddedStartException.class)
                    .hasMessageContaining("127.0.0.1:" + taken)
                    .hasMessageContaining("port is in use");
            assertThat(second.state()).isEqualTo(EmbeddedEnsemble.State.CLOSED);
        }
    }

    @Test
    void lifecycleMisuseIsRejected() {
        EmbeddedEnsemble zk = EmbeddedEnsemble.builder().build();
        assertThatThrownBy(() -> zk.stopServer(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("LATENT");
        zk.close();
        assertThatThrownBy(zk::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("CLOSED");
        assertThatThrownBy(() -> EmbeddedEnsemble.builder().servers(2)).hasMessageContaining("1, 3 or 5");
    }
}
