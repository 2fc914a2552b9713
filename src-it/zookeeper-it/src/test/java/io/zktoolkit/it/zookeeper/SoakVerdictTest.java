package io.zktoolkit.it.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.it.zookeeper.CounterAudit.Committed;
import io.zktoolkit.it.zookeeper.FencedCounter.Attempt;
import io.zktoolkit.it.zookeeper.FencedCounter.Increment;
import io.zktoolkit.it.zookeeper.FencedCounter.Outcome;
import io.zktoolkit.it.zookeeper.FleetAudit.TaskRecord;
import io.zktoolkit.it.zookeeper.FleetAudit.Write;
import io.zktoolkit.it.zookeeper.SoakVerdict.Delivery;
import io.zktoolkit.it.zookeeper.SoakVerdict.Violation;
import io.zktoolkit.it.zookeeper.SoakVerdict.Znode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The soak's end checks on recorded bad histories: each kind of damage must be reported, so that a
 * soak with zero violations means something.
 */
class SoakVerdictTest {
    private static final List<Write> WRITES = List.of(new Write("w1@1", 10), new Write("w1@1", 10));

    private static TaskRecord task(String name, List<String> commits, boolean done) {
        return new TaskRecord(name, commits, done, Optional.of("4"), WRITES);
    }

    @Test
    void aCleanRunHasNoViolations() {
        SoakVerdict verdict = new SoakVerdict();
        verdict.checkWork(List.of(task("t1", List.of("w1@1"), true)), "4");
        verdict.checkWatcher("w", List.of(new Delivery(1, 2, List.of()), new Delivery(2, 5, List.of(3L, 4L))), 5,
                Map.of("seq", "4"), false, 5, Map.of("seq", "4"));
        verdict.checkView("svc", Set.of("a"), Set.of("a"), Set.of("a"));
        verdict.checkZnodes(List.of(new Znode("/locks", false), new Znode("/locks/x", false)), Set.of("/locks"));

        assertThat(verdict.violations()).isEmpty();
    }

    @Test
    void aTaskDoneTwiceOrLostIsReported() {
        SoakVerdict verdict = new SoakVerdict();
        verdict.checkWork(List.of(task("t1", List.of("w1@1", "w2@2"), true), task("t2", List.of(), false)), "4");

        assertThat(verdict.violations()).extracting(Violation::toString)
                .anySatisfy(v -> assertThat(v).contains("t1 was committed 2 times"))
                .anySatisfy(v -> assertThat(v).contains("t2 was lost"))
                .anySatisfy(v -> assertThat(v).contains("t2 has no completion record"));
    }

    @Test
    void aCheckpointWriteFromAnOlderEpochIsAStaleHolder() {
        SoakVerdict verdict = new SoakVerdict();
        verdict.checkWork(List.of(new TaskRecord("t1", List.of("w2@3"), true, Optional.of("4"),
                List.of(new Write("w2@3", 20), new Write("w1@2", 12)))), "4");

        assertThat(verdict.violations()).singleElement().asString().contains("a stale holder's write");
    }

    @Test
    void theFencedResourceAcceptingAStaleHolderIsReported() {
        Increment a1 = new Increment("a", 1, 100);
        Increment b1 = new Increment("b", 1, 200);
        Increment a2 = new Increment("a", 2, 100);
        SoakVerdict verdict = new SoakVerdict();
        verdict.checkCounter(CounterAudit.of(3,
                List.of(new Committed(a1, 101), new Committed(b1, 201), new Committed(a2, 202)),
                List.of(new Attempt(Outcome.ACKED, a1, ""), new Attempt(Outcome.ACKED, b1, ""),
                        new Attempt(Outcome.ACKED, a2, ""))));

        assertThat(verdict.violations()).singleElement()
                .satisfies(v -> assertThat(v.check()).isEqualTo("fenced resource: stale holder accepted"));
    }

    @Test
    void aWatcherBehindOutOfOrderOrSkippingSilentlyIsReported() {
        SoakVerdict verdict = new SoakVerdict();
        verdict.checkWatcher("w1", List.of(new Delivery(1, 2, List.of()), new Delivery(2, 4, List.of())), 4,
                Map.of("seq", "3"), false, 6, Map.of("seq", "5"));
        verdict.checkWatcher("w2", List.of(new Delivery(1, 3, List.of(2L)), new Delivery(2, 3, List.of())), 3,
                Map.of("seq", "2"), true, 3, Map.of("seq", "2"));

        assertThat(verdict.violations()).extracting(Violation::detail)
                .anySatisfy(v -> assertThat(v).contains("w1 skipped v3 silently"))
                .anySatisfy(v -> assertThat(v).contains("w1 did not converge: it holds v4"))
                .anySatisfy(v -> assertThat(v).contains("w1's listener last heard v4, the final is v6"))
                .anySatisfy(v -> assertThat(v).contains("w2 heard v2 -> v3 after it had heard v3"))
                .anySatisfy(v -> assertThat(v).contains("w2 still calls its snapshot stale"));
    }

    @Test
    void aViewWithAPhantomOrMissingInstanceIsReported() {
        SoakVerdict verdict = new SoakVerdict();
        verdict.checkView("svc", Set.of("a", "dead"), Set.of("a"), Set.of("a", "b"));

        assertThat(verdict.violations()).extracting(Violation::detail)
                .anySatisfy(v -> assertThat(v).contains("holds instances no live registration has: [dead]"))
                .anySatisfy(v -> assertThat(v).contains("svc view lacks live registrations [b]"))
                .anySatisfy(v -> assertThat(v).contains("registered znodes lacks live registrations [b]"));
    }

    @Test
    void anEphemeralLeftOrAStrayPersistentNodeIsALeak() {
        SoakVerdict verdict = new SoakVerdict();
        verdict.checkZnodes(List.of(new Znode("/locks/fenced-counter/_c_x-lock-0000000001", true),
                new Znode("/scratch", false)), Set.of("/locks"));

        assertThat(verdict.violations()).extracting(Violation::detail).containsExactly(
                "ephemeral /locks/fenced-counter/_c_x-lock-0000000001 outlived every session",
                "persistent /scratch is under no workload's root [/locks]");
    }
}
