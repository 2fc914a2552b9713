package io.zktoolkit.it.zookeeper;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.ProcessEnsemble;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The faults of {@link FencedCounterUnderFaultsIT}, injected one at a time and counted, so the test can
 * show they happened: kill -9 of the leader or of a follower and its restart, a short loss of quorum
 * (two servers killed, then both restarted), and SIGSTOP of the client that holds the lock, for longer
 * than its session, so that it wakes up believing it still holds a lock that has moved on.
 */
final class CounterFaults {
    /** How long a killed server stays down before its restart. */
    private static final Duration SERVER_DOWN = Duration.ofMillis(1500);
    /** How long the ensemble stays without a majority. */
    private static final Duration QUORUM_DOWN = Duration.ofSeconds(2);
    /** Time between faults for the clients to get on with their work. */
    private static final Duration CALM = Duration.ofSeconds(1);
    private static final Duration QUORUM_WAIT = Duration.ofSeconds(30);

    private final ProcessEnsemble ensemble;
    private final LockHolders holders;
    private final Duration holderPause;
    private final Random random;
    private long started = System.nanoTime();
    private final List<String> timeline = new ArrayList<>();

    private int serverKills;
    private int leaderKills;
    private int serverRestarts;
    private int quorumLosses;
    private int holderPauses;

    /**
     * @param observer a client of the test's own, to find the lock holder
     * @param lockPath the lock whose holder {@link #pauseLockHolder()} freezes
     * @param clients the client JVMs, which name themselves (by pid) in their lock nodes
     * @param holderPause how long a paused holder stays frozen: longer than its session timeout
     * @param seed for the choice of follower to kill
     */
    CounterFaults(ProcessEnsemble ensemble, ToolkitClient observer, String lockPath, List<ChildJvm> clients,
            Duration holderPause, long seed) {
        this.ensemble = ensemble;
        this.holders = new LockHolders(observer, lockPath, () -> clients);
        this.holderPause = holderPause;
        this.random = new Random(seed);
    }

    /**
     * Injects every kind of fault, then more while {@code phase} lasts. The first round always runs in
     * full, so the test can count on it however slow the machine: kill the leader, pause the lock
     * holder, kill a follower, lose the quorum, pause the holder. Later rounds leave out the loss of
     * quorum (restarting a majority costs several seconds) and start a fault only while time is left.
     * Each fault ends with every server serving again.
     */
    void runFor(Duration phase) throws Exception {
        started = System.nanoTime();
        long deadline = started + phase.toNanos();
        for (Fault fault : List.<Fault>of(this::killLeader, this::pauseLockHolder, this::killFollower,
                this::loseQuorum, this::pauseLockHolder)) {
            fault.inject();
            Thread.sleep(CALM.toMillis());
        }
        List<Fault> laterRounds = List.of(this::killLeader, this::pauseLockHolder, this::killFollower,
                this::pauseLockHolder);
        for (int next = 0; System.nanoTime() < deadline; next = (next + 1) % laterRounds.size()) {
            laterRounds.get(next).inject();
            Thread.sleep(CALM.toMillis());
        }
    }

    private void killLeader() throws InterruptedException {
        int leader = ensemble.leaderIndex().orElseThrow(() -> new AssertionError("no leader between faults"));
        kill(leader, "leader");
        Thread.sleep(SERVER_DOWN.toMillis());
        restart(leader);
    }

    private void killFollower() throws InterruptedException {
        int follower = randomFollower();
        kill(follower, "follower");
        Thread.sleep(SERVER_DOWN.toMillis());
        restart(follower);
    }

    private void loseQuorum() throws InterruptedException {
        int leader = ensemble.leaderIndex().orElseThrow(() -> new AssertionError("no leader between faults"));
        int follower = randomFollower();
        kill(leader, "leader");
        kill(follower, "follower");
        quorumLosses++;
        note("no quorum for " + QUORUM_DOWN.toMillis() + " ms");
        Thread.sleep(QUORUM_DOWN.toMillis());
        ensemble.restartAll();
        serverRestarts += 2;
        note("servers " + leader + " and " + follower + " restarted, server "
                + ensemble.leaderIndex().orElse(-1) + " leads");
    }

    /** Freezes the client that holds the lock for {@code holderPause}. */
    private void pauseLockHolder() throws Exception {
        Optional<String> frozen = holders.pauseHolder(holderPause);
        if (frozen.isPresent()) {
            holderPauses++;
            note("froze lock holder " + frozen.get() + " for " + holderPause.toMillis() + " ms");
        } else {
            note("no lock holder stayed put long enough to freeze");
        }
    }

    private int randomFollower() {
        int leader = ensemble.leaderIndex().orElseThrow(() -> new AssertionError("no leader between faults"));
        int[] followers = IntStream.range(0, ensemble.size()).filter(i -> i != leader).toArray();
        return followers[random.nextInt(followers.length)];
    }

    private void kill(int server, String role) {
        ensemble.kill9(server);
        serverKills++;
        if (role.equals("leader")) {
            leaderKills++;
        }
        note("kill -9 server " + server + " (" + role + ")");
    }

    private void restart(int server) {
        ensemble.restart(server);
        ensemble.awaitQuorum(QUORUM_WAIT);
        serverRestarts++;
        note("server " + server + " restarted as " + ensemble.mode(server));
    }

    private void note(String event) {
        timeline.add(String.format(Locale.ROOT, "%6.1f s  %s", (System.nanoTime() - started) / 1e9, event));
    }

    int serverKills() {
        return serverKills;
    }

    int leaderKills() {
        return leaderKills;
    }

    int serverRestarts() {
        return serverRestarts;
    }

    int quorumLosses() {
        return quorumLosses;
    }

    int holderPauses() {
        return holderPauses;
    }

    /** Each fault with its time since the fault phase began, one per line. */
    List<String> timeline() {
        return timeline;
    }

    /** One fault and the recovery from it. */
    @FunctionalInterface
    private interface Fault {
        void inject() throws Exception;
    }
}
