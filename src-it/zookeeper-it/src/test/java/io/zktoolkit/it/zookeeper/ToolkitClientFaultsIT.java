package io.zktoolkit.it.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.ZooKeeperUnavailableException;
import io.zktoolkit.it.harness.InJvmQuorum;
import io.zktoolkit.it.harness.ProcessEnsemble;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The toolkit's client against ZooKeeper servers in separate processes: a server killed with
 * kill -9 or frozen with SIGSTOP must not stop a client's work, and a whole ensemble down must
 * fail new clients fast with the connect string named.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ToolkitClientFaultsIT {
    private static final Pattern REMOTE_PORT = Pattern.compile("remoteserver:[^ ]*:(\\d+)");

    private static ToolkitSettings settingsFor(String connectString) {
        return ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, connectString)
                .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofSeconds(10))
                .set(ToolkitKeys.CONNECTION_TIMEOUT, Duration.ofSeconds(5))
                .set(ToolkitKeys.RETRY_BASE_SLEEP, Duration.ofMillis(100))
                .set(ToolkitKeys.RETRY_MAX_SLEEP, Duration.ofSeconds(1))
                .set(ToolkitKeys.RETRY_MAX_RETRIES, 29)
                .source("faults test")
                .build();
    }

    /** Index of the server this client is connected to, read from ZooKeeper's own description. */
    private static int connectedServer(ToolkitClient zk, ProcessEnsemble ensemble) throws Exception {
        Matcher m = REMOTE_PORT.matcher(zk.curator().getZookeeperClient().getZooKeeper().toString());
        assertThat(m.find()).as("ZooKeeper client names its server").isTrue();
        String port = m.group(1);
        for (int i = 0; i < ensemble.size(); i++) {
            if (ensemble.connectString(i).endsWith(":" + port)) {
                return i;
            }
        }
        throw new AssertionError("connected to port " + port + ", not one of " + ensemble.connectString());
    }

    /** Increments /counter {@code times} times; Curator's retries carry each write across a failover. */
    private static void increment(CuratorFramework curator, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            int next = read(curator) + 1;
            curator.setData().forPath("/counter", Integer.toString(next).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static int read(CuratorFramework curator) throws Exception {
        return Integer.parseInt(new String(curator.getData().forPath("/counter"), StandardCharsets.UTF_8));
    }

    @Test
    void killNineOfTheServerInUseKeepsTheClientAndItsSessionWorking() throws Exception {
        try (ProcessEnsemble ensemble = ProcessEnsemble.start(3);
             ToolkitClient zk = ToolkitClient.open(settingsFor(ensemble.connectString()))) {
            zk.curator().create().forPath("/counter", "0".getBytes(StandardCharsets.UTF_8));
            long session = zk.curator().getZookeeperClient().getZooKeeper().getSessionId();
            int victim = connectedServer(zk, ensemble);

            ensemble.kill9(victim);
            increment(zk.curator(), 50);

            assertThat(read(zk.curator())).isEqualTo(50);
            assertThat(connectedServer(zk, ensemble)).isNotEqualTo(victim);
            assertThat(zk.curator().getZookeeperClient().getZooKeeper().getSessionId()).isEqualTo(session);
            ensemble.restart(victim);
            assertThat(ensemble.mode(victim)).isIn("follower", "leader");
        }
    }

    @Test
    void killNineOfTheLeaderIsSurvivedAfterAnElection() throws Exception {
        try (ProcessEnsemble ensemble = ProcessEnsemble.start(3);
             ToolkitClient zk = ToolkitClient.open(settingsFor(ensemble.connectString()))) {
            zk.curator().create().forPath("/counter", "0".getBytes(StandardCharsets.UTF_8));
            int leader = ensemble.leaderIndex().orElseThrow();

            ensemble.kill9(leader);
            increment(zk.curator(), 20);

            assertThat(read(zk.curator())).isEqualTo(20);
            ensemble.awaitQuorum(Duration.ofSeconds(30));
            assertThat(ensemble.leaderIndex()).isPresent().isNotEqualTo(java.util.OptionalInt.of(leader));
        }
    }

    @Test
    void aFrozenServerIsLeftBehindAndTheSessionSurvives() throws Exception {
        try (ProcessEnsemble ensemble = ProcessEnsemble.start(3);
             ToolkitClient zk = ToolkitClient.open(settingsFor(ensemble.connectString()))) {
            zk.curator().create().forPath("/counter", "0".getBytes(StandardCharsets.UTF_8));
            long session = zk.curator().getZookeeperClient().getZooKeeper().getSessionId();
            int frozen = connectedServer(zk, ensemble);

            ensemble.pause(frozen);
            try {
                increment(zk.curator(), 20);
                assertThat(read(zk.curator())).isEqualTo(20);
                assertThat(connectedServer(zk, ensemble)).isNotEqualTo(frozen);
            } finally {
                ensemble.resume(frozen);
            }
            assertThat(zk.curator().getZookeeperClient().getZooKeeper().getSessionId()).isEqualTo(session);
        }
    }

    @Test
    void wholeEnsembleDownFailsNewClientsFastAndExistingOnesRecoverWithTheirSession() throws Exception {
        // A session long enough to outlast three server restarts on a loaded machine: Curator expires
        // a session itself once it has been disconnected for the whole timeout.
        try (ProcessEnsemble ensemble = ProcessEnsemble.start(3);
             ToolkitClient zk = ToolkitClient.open(settingsFor(ensemble.connectString()).toBuilder()
                     .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofSeconds(40)).build())) {
            zk.curator().create().forPath("/counter", "7".getBytes(StandardCharsets.UTF_8));
            long session = zk.curator().getZookeeperClient().getZooKeeper().getSessionId();
            for (int i = 0; i < ensemble.size(); i++) {
                ensemble.kill9(i);
            }

            ToolkitSettings fresh = settingsFor(ensemble.connectString()).toBuilder()
                    .set(ToolkitKeys.CONNECTION_TIMEOUT, Duration.ofSeconds(2)).build();
            assertThatThrownBy(() -> ToolkitClient.open(fresh))
                    .isInstanceOf(ZooKeeperUnavailableException.class)
                    .hasMessageContaining(ensemble.connectString())
                    .hasMessageContaining("within 2000 ms");

            // back within the session timeout: the old client's session is still valid
            ensemble.restartAll();
            assertThat(read(zk.curator())).isEqualTo(7);
            assertThat(zk.curator().getZookeeperClient().getZooKeeper().getSessionId()).isEqualTo(session);
        }
    }

    @Test
    void inJvmQuorumServerLossIsSurvived() throws Exception {
        try (InJvmQuorum quorum = InJvmQuorum.start(3);
             ToolkitClient zk = ToolkitClient.open(settingsFor(quorum.connectString()))) {
            zk.curator().create().forPath("/counter", "0".getBytes(StandardCharsets.UTF_8));
            quorum.kill(0);
            increment(zk.curator(), 10);
            assertThat(read(zk.curator())).isEqualTo(10);
            quorum.restart(0);
        }
    }
}
