package io.zktoolkit.benchmarks;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.embedded.EmbeddedEnsemble;
import io.zktoolkit.it.harness.ChildJvm;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Detection time: from kill -9 of a member's JVM to a watcher's listener being told it is dead.
 * The toolkit's {@code FleetMembership} watched by a {@code FailureDetector}, against a plain
 * ephemeral node watched by Curator's {@code CuratorCache}, both with the same session timeout on
 * an embedded 3-server quorum with a 200 ms tick. Both wait for ZooKeeper to expire the dead session, so the
 * toolkit's heartbeats and health bookkeeping should add nothing measurable; its goal is the
 * session timeout plus half a second.
 */
public final class MemberDetectionCase extends SampledCase {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration EXPIRY_TICK = LeaderFailoverCase.EXPIRY_TICK;

    private final int sessionTimeoutMs;
    private EmbeddedEnsemble ensemble;
    private ToolkitClient watcher;
    private int groups;

    private MemberDetectionCase(int sessionTimeoutMs, int warmups, int trials) {
        super("ms", Direction.LOWER_IS_BETTER, warmups, trials);
        this.sessionTimeoutMs = sessionTimeoutMs;
    }

    /** With {@code sessionTimeoutMs} sessions: 1 warmup and 3 trials per side. */
    public static MemberDetectionCase withSession(int sessionTimeoutMs) {
        return new MemberDetectionCase(sessionTimeoutMs, 1, 3);
    }

    @Override
    public String name() {
        return "detection of a member's death after kill -9 of its JVM, " + sessionTimeoutMs + " ms sessions, 3-server ensemble";
    }

    @Override
    public Optional<Goal> goal() {
        return Optional.of(new Goal("a dead member reported within the session timeout (" + sessionTimeoutMs
                + " ms) plus " + LeaderFailoverCase.GOAL_MARGIN_MS + " ms", sessionTimeoutMs + LeaderFailoverCase.GOAL_MARGIN_MS));
    }

    @Override
    public void setUp() {
        ensemble = EmbeddedEnsemble.builder().servers(3).tickTime(EXPIRY_TICK).build();
        ensemble.start();
        watcher = ToolkitClient.open(ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, ensemble.connectString())
                .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofMillis(sessionTimeoutMs))
                .build());
    }

    @Override
    public void tearDown() {
        if (watcher != null) {
            watcher.close();
        }
        if (ensemble != null) {
            ensemble.close();
        }
    }

    @Override
    public Side toolkit() {
        return new Side("FleetMembership (heartbeat 500 ms) and FailureDetector, " + sessionTimeoutMs
                + " ms sessions: from kill -9 of the member's JVM (MemberMain; its start not timed) to"
                + " MemberHealthListener.dead", () -> detectionMillis(MembershipRecipe.TOOLKIT));
    }

    @Override
    public Side baseline() {
        return new Side("a plain ephemeral node and Curator's CuratorCache, " + sessionTimeoutMs
                + " ms sessions: from kill -9 of the member's JVM to the cache's delete event",
                () -> detectionMillis(MembershipRecipe.CURATOR_EPHEMERAL_NODE));
    }

    private double detectionMillis(MembershipRecipe recipe) throws Exception {
        String group = "detect-" + (++groups);
        CompletableFuture<Void> joined = new CompletableFuture<>();
        CompletableFuture<Long> dead = new CompletableFuture<>();
        try (AutoCloseable watch = recipe.watch(watcher, group, () -> joined.complete(null), () -> dead.complete(System.nanoTime()));
                ChildJvm member = ChildJvm.builder(MemberMain.class.getName())
                        .name("member-" + group)
                        .jvmOption("-Xmx128m")
                        .jvmOption("-XX:+UseSerialGC")
                        .jvmOption("-XX:TieredStopAtLevel=1")
                        .args(ensemble.connectString(), Integer.toString(sessionTimeoutMs), recipe.name(), group)
                        .start()) {
            member.awaitLine(MemberMain.JOINED::equals, WAIT);
            joined.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            long killed = System.nanoTime();
            member.kill9();
            return (dead.get(WAIT.toMillis(), TimeUnit.MILLISECONDS) - killed) / 1e6;
        }
    }
}
