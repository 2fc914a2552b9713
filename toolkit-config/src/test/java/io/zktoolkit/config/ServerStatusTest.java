package io.zktoolkit.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.embedded.EmbeddedEnsemble;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerStatusTest {

    @Test
    void aStandaloneServerSaysSo() {
        try (EmbeddedEnsemble zk = EmbeddedEnsemble.builder().build()) {
            zk.start();
            ServerStatus status = ServerStatus.probe(zk.connectString());
            assertThat(status.mode()).isEqualTo("standalone");
            assertThat(status.serving()).isTrue();
            assertThat(status.zxid()).startsWith("0x");
        }
    }

    @Test
    void aStartedQuorumHasOneLeaderAndServesOnEveryServer() {
        try (EmbeddedEnsemble zk = EmbeddedEnsemble.builder().servers(3).build()) {
            zk.start();
            List<ServerStatus> all = ServerStatus.probeAll(zk.connectString());
            assertThat(all).allMatch(ServerStatus::serving);
            assertThat(all).extracting(ServerStatus::mode).containsExactlyInAnyOrder("leader", "follower", "follower");
        }
    }

    @Test
    void aPortWithoutServerIsUnreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ServerStatus status = ServerStatus.probe("127.0.0.1:" + port);
        assertThat(status.reachable()).isFalse();
        assertThat(status.serving()).isFalse();
        assertThat(status.connections()).isEqualTo(-1);
    }
}
