package io.zktoolkit.it.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InJvmQuorumTest {

    private static final String PATH = "/harness/in-jvm";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void clientKeepsWritingWhileOneServerIsDownAndTheServerRejoins() throws Exception {
        try (InJvmQuorum quorum = InJvmQuorum.start(3);
                RetryingClient client = RetryingClient.connect(quorum.connectString())) {
            assertThat(quorum.size()).isEqualTo(3);
            assertThat(quorum.cluster().getServers()).hasSize(3);

            client.write(PATH, "one", PATIENCE);
            assertThat(client.read(PATH)).isEqualTo("one");

            quorum.kill(0);
            client.write(PATH, "two", PATIENCE);
            assertThat(client.read(PATH)).isEqualTo("two");

            quorum.restart(0);
            // A client bound to the restarted server alone proves that it rejoined and caught up.
            try (RetryingClient direct = RetryingClient.connect(quorum.connectString(0))) {
                direct.awaitValue(PATH, "two", PATIENCE);
            }
        }
    }

    @Test
    void recognisesThePortRaceButNotOtherFailures() {
        Exception race = new RuntimeException("start failed",
                new IllegalArgumentException("Client and election port must be different! Please update the configuration file on server.2"));
        Exception bind = new IllegalStateException(new java.net.BindException("Address already in use"));

        assertThat(InJvmQuorum.isPortRace(race)).isTrue();
        assertThat(InJvmQuorum.isPortRace(bind)).isTrue();
        assertThat(InJvmQuorum.isPortRace(new IllegalArgumentException(
                "Multiple entries with same key: InstanceSpec{port=36647} and InstanceSpec{port=36647}"))).isTrue();
        assertThat(InJvmQuorum.isPortRace(new IllegalStateException("disk full"))).isFalse();
    }
}
