package io.zktoolkit.locks;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bad input is refused before anything touches ZooKeeper, with a message naming what is wrong. */
class SelectorElectionInputTest {
    // never started: the checks must not need a connection
    private final CuratorFramework curator = CuratorFrameworkFactory.newClient("127.0.0.1:1", new RetryOneTime(1));

    @AfterEach
    void stop() {
        curator.close();
    }

    private SelectorElection.Builder valid() {
        return SelectorElection.builder(curator).group("compactor").participantId("edge-3:4711").work(leadership -> { });
    }

    @Test
    void anEmptyGroupIsRefused() {
        assertThatThrownBy(() -> valid().group("").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Election group must not be empty");
    }

    @Test
    void aGroupWithASlashIsRefused() {
        assertThatThrownBy(() -> valid().group("jobs/compactor").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"jobs/compactor\"").hasMessageContaining("must not contain '/'");
    }

    @Test
    void aMissingGroupIsRefused() {
        assertThatThrownBy(() -> SelectorElection.builder(curator).participantId("p").work(leadership -> { }).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("election group must not be null");
    }

    @Test
    void nullOrMissingWorkIsRefused() {
        assertThatThrownBy(() -> valid().work(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("work must not be null");
        assertThatThrownBy(() -> SelectorElection.builder(curator).group("g").participantId("p").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("work is not set");
    }

    @Test
    void anEmptyOrMultiLineParticipantIdIsRefused() {
        assertThatThrownBy(() -> valid().participantId("").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Participant id must not be empty");
        assertThatThrownBy(() -> valid().participantId("edge-3\n4711").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not contain a line break");
    }

    @Test
    void theLatchStyleChecksGroupsTheSameWay() {
        assertThatThrownBy(() -> LeaderElection.create(curator, "a/b", "p"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not contain '/'");
    }

    @Test
    void requeueBeforeStartIsRefused() {
        try (SelectorElection election = valid().build()) {
            assertThatThrownBy(election::requeue).isInstanceOf(IllegalStateException.class).hasMessageContaining("LATENT");
        }
    }
}
