package io.zktoolkit.it.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.it.zookeeper.CounterAudit.Committed;
import io.zktoolkit.it.zookeeper.FencedCounter.Attempt;
import io.zktoolkit.it.zookeeper.FencedCounter.Increment;
import io.zktoolkit.it.zookeeper.FencedCounter.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit of {@link FencedCounterUnderFaultsIT} on made-up histories: it must catch each kind of damage. */
class CounterAuditTest {
    private static final Increment A1 = new Increment("a", 1, 100);
    private static final Increment A2 = new Increment("a", 2, 100);
    private static final Increment B1 = new Increment("b", 1, 200);
    private static final Increment B2 = new Increment("b", 2, 200);

    private static Attempt acked(Increment increment) {
        return new Attempt(Outcome.ACKED, increment, "");
    }

    @Test
    void aCleanHistoryPassesAndUnknownOutcomesAreLookedUp() {
        CounterAudit audit = CounterAudit.of(3,
                List.of(new Committed(B1, 201), new Committed(A1, 101), new Committed(A2, 102)),
                List.of(acked(A1), new Attempt(Outcome.UNKNOWN, A2, "ConnectionLoss"), acked(B1),
                        new Attempt(Outcome.FENCED, B2, "NoNode")));

        assertThat(audit.tokenOrderViolations()).isEmpty();
        assertThat(audit.lostIncrements()).isEmpty();
        assertThat(audit.unexplainedRecords()).isEmpty();
        assertThat(audit.acknowledgedPerClient()).containsEntry("a", 1).containsEntry("b", 1);
        assertThat(audit.committed(Outcome.UNKNOWN)).isEqualTo(1);
        assertThat(audit.notCommitted(Outcome.FENCED)).isEqualTo(1);
        assertThat(audit.tokens()).isEqualTo(2);
        assertThat(audit.handOffs()).isEqualTo(1);
    }

    @Test
    void aStaleHoldersWriteAfterTheNextHoldersIsOutOfTokenOrder() {
        CounterAudit audit = CounterAudit.of(3,
                List.of(new Committed(A1, 101), new Committed(B1, 201), new Committed(A2, 202)),
                List.of(acked(A1), acked(B1), acked(A2)));

        assertThat(audit.tokenOrderViolations()).singleElement().asString()
                .contains("a-0000000002 (token 100, zxid 202) committed after a write with the higher token 200");
    }

    @Test
    void aCounterBehindItsRecordsAndAnAcknowledgedIncrementWithoutRecordAreLost() {
        CounterAudit audit = CounterAudit.of(1,
                List.of(new Committed(A1, 101), new Committed(B1, 201)),
                List.of(acked(A1), acked(B1), acked(B2)));

        assertThat(audit.lostIncrements()).hasSize(2)
                .anySatisfy(line -> assertThat(line).contains("b-0000000002").contains("has no record"))
                .anySatisfy(line -> assertThat(line).contains("the counter reads 1 but 2 increments committed"));
    }

    @Test
    void aRecordNoClientSentIsUnexplained() {
        CounterAudit audit = CounterAudit.of(2, List.of(new Committed(A1, 101), new Committed(A2, 102)),
                List.of(acked(A1)));

        assertThat(audit.unexplainedRecords()).singleElement().asString().contains("no client's ledger has it");
    }

    @Test
    void aWriteNotedAsSentByAClientKilledMidWriteIsLookedUpAndTheOutcomeAfterItSupersedesIt() {
        CounterAudit audit = CounterAudit.of(2, List.of(new Committed(A1, 101), new Committed(A2, 102)),
                List.of(new Attempt(Outcome.SENT, A1, ""), acked(A1), new Attempt(Outcome.SENT, A2, ""),
                        new Attempt(Outcome.SENT, B1, "")));

        assertThat(audit.unexplainedRecords()).isEmpty();
        assertThat(audit.lostIncrements()).isEmpty();
        assertThat(audit.committed(Outcome.SENT)).isEqualTo(1);
        assertThat(audit.notCommitted(Outcome.SENT)).isEqualTo(1);
        assertThat(audit.acknowledgedPerClient()).containsOnly(java.util.Map.entry("a", 1));
    }

    @Test
    void ledgerLinesRoundTrip() {
        Attempt attempt = new Attempt(Outcome.UNKNOWN, B2, "KeeperErrorCode = ConnectionLoss");

        assertThat(Attempt.parse(attempt.line())).isEqualTo(attempt);
        assertThat(Attempt.parse("ACQUIRED 200")).isNull();
        assertThat(Increment.decode(B2.nodeName(), B2.encode())).isEqualTo(B2);
    }
}
