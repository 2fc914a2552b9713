package io.zktoolkit.sync.barrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.QuorumClients;
import io.zktoolkit.it.harness.ChildJvm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Barriers on a real 3-server ensemble, with members in other JVMs killed by kill -9. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DoubleBarrierTest {
    private static final Duration LONG = Duration.ofSeconds(60);
    private static final int CHILD_SESSION_MS = 2_000;
    private QuorumClients zk;

    @BeforeEach
    void start() {
        zk = new QuorumClients();
    }

    @AfterEach
    void stop() {
        zk.close();
    }

    private DoubleBarrier member(String barrier, int parties, String id) {
        return DoubleBarrier.builder(zk.open(), barrier).parties(parties).memberId(id).build();
    }

    private static CompletableFuture<Void> enterAsync(DoubleBarrier b, Duration timeout) {
        return CompletableFuture.runAsync(() -> {
            try {
                b.enter(timeout);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static CompletableFuture<List<String>> leaveAsync(DoubleBarrier b, Duration timeout) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return b.leave(timeout);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private List<String> members(String barrier) throws Exception {
        ToolkitClient reader = zk.open();
        return reader.curator().checkExists().forPath(DoubleBarrier.ROOT + "/" + barrier + "/members") == null
                ? List.of() : reader.curator().getChildren().forPath(DoubleBarrier.ROOT + "/" + barrier + "/members");
    }

    @Test
    void nobodyPassesUntilAllArriveAndNobodyLeavesUntilAllLeave() throws Exception {
        DoubleBarrier a = member("stage-1", 3, "a");
        DoubleBarrier b = member("stage-1", 3, "b");
        DoubleBarrier c = member("stage-1", 3, "c");
        CompletableFuture<Void> aIn = enterAsync(a, LONG);
        CompletableFuture<Void> bIn = enterAsync(b, LONG);
        waitUntil(() -> members("stage-1").size() == 2);
        Thread.sleep(300);
        assertThat(aIn).as("a waits for the third party").isNotDone();
        assertThat(bIn).isNotDone();
        c.enter(LONG);
        CompletableFuture.allOf(aIn, bIn).get(60, TimeUnit.SECONDS);

        CompletableFuture<List<String>> aOut = leaveAsync(a, LONG);
        CompletableFuture<List<String>> bOut = leaveAsync(b, LONG);
        waitUntil(() -> members("stage-1").equals(List.of("c")));
        Thread.sleep(300);
        assertThat(aOut).as("a waits for c to leave").isNotDone();
        assertThat(c.leave(LONG)).isEmpty();
        assertThat(aOut.get(60, TimeUnit.SECONDS)).isEmpty();
        assertThat(bOut.get(60, TimeUnit.SECONDS)).isEmpty();
        waitUntil(() -> zk.open().curator().checkExists().forPath("/barriers/stage-1") == null);
    }

    @Test
    void aMemberKilledBeforeTheBarrierOpensReleasesTheOthersWithAClearErrorAtTheDeadline() throws Exception {
        // Four parties: two wait here, a third arrives in its own JVM and is killed, the fourth never comes.
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        for (String id : List.of("spark-app-1", "spark-app-2")) {
            waiting.add(enterAsync(member("stage-2", 4, id), Duration.ofSeconds(15)));
        }
        try (ChildJvm child = ChildJvm.builder(BarrierMemberMain.class.getName()).name("barrier-member")
                .jvmOption("-Xmx128m")
                .args(zk.connectString(), "stage-2", "4", "spark-app-3", Integer.toString(CHILD_SESSION_MS)).start()) {
            waitUntil(() -> members("stage-2").contains("spark-app-3"));
            child.kill9();
            for (CompletableFuture<Void> w : waiting) {
                assertThatThrownBy(() -> w.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(BarrierTimeoutException.class)
                        .hasMessageContaining("Barrier /barriers/stage-2: 2 of 4 parties arrived within PT15S")
                        .hasMessageContaining("Arrived, then gone (process died or session expired): spark-app-3 (")
                        .hasMessageContaining("Never arrived: 1")
                        .satisfies(e -> assertThat(((BarrierTimeoutException) e).gone()).containsExactly("spark-app-3"));
            }
            assertThat(members("stage-2")).as("the members withdrew at the deadline").isEmpty();
        }
    }

    @Test
    void aMemberKilledInsideIsNotWaitedOnWhenTheOthersLeave() throws Exception {
        try (ChildJvm child = ChildJvm.builder(BarrierMemberMain.class.getName()).name("barrier-member")
                .jvmOption("-Xmx128m")
                .args(zk.connectString(), "stage-3", "3", "doomed", Integer.toString(CHILD_SESSION_MS)).start()) {
            DoubleBarrier a = member("stage-3", 3, "a");
            DoubleBarrier b = member("stage-3", 3, "b");
            CompletableFuture<Void> aIn = enterAsync(a, LONG);
            b.enter(LONG);
            aIn.get(60, TimeUnit.SECONDS);
            child.awaitLine("ENTERED"::equals, LONG);
            child.kill9();
            CompletableFuture<List<String>> aOut = leaveAsync(a, LONG);
            assertThat(b.leave(LONG)).containsExactly("doomed");
            assertThat(aOut.get(60, TimeUnit.SECONDS)).containsExactly("doomed");
        }
    }

    @Test
    void aWaitingMemberWhoseSessionExpiresArrivesAgain() throws Exception {
        ToolkitClient expiring = zk.open(Duration.ofSeconds(4));
        DoubleBarrier a = DoubleBarrier.builder(expiring, "stage-4").parties(2).memberId("a").build();
        CompletableFuture<Void> aIn = enterAsync(a, LONG);
        waitUntil(() -> members("stage-4").contains("a"));
        zk.expireSession(expiring);
        waitUntil(() -> members("stage-4").contains("a"));
        member("stage-4", 2, "b").enter(LONG);
        aIn.get(60, TimeUnit.SECONDS);
    }

    @Test
    void badInputIsRefusedWithClearErrors() throws Exception {
        ToolkitClient client = zk.open();
        assertThatThrownBy(() -> DoubleBarrier.builder(client, "a/b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid barrier name 'a/b'");
        assertThatThrownBy(() -> DoubleBarrier.builder(client, "ok").parties(0))
                .hasMessageContaining("parties must be at least 1, got 0");
        assertThatThrownBy(() -> DoubleBarrier.builder(client, "ok").memberId("..")).hasMessageContaining("invalid member id '..'");
        DoubleBarrier first = DoubleBarrier.builder(client, "dup").parties(2).memberId("same").build();
        CompletableFuture<Void> firstIn = enterAsync(first, Duration.ofSeconds(30));
        waitUntil(() -> members("dup").contains("same"));
        assertThatThrownBy(() -> member("dup", 2, "same").enter(Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("member id 'same' is already inside (held by");
        member("dup", 2, "other").enter(LONG);
        firstIn.get(60, TimeUnit.SECONDS);
    }

    private interface Check {
        boolean get() throws Exception;
    }

    private static void waitUntil(Check condition) throws Exception {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + LONG);
            }
            Thread.sleep(20);
        }
    }
}
