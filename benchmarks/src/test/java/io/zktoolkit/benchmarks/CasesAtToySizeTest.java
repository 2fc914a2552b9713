package io.zktoolkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs cases at toy sizes to check both sides really work, not how fast. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CasesAtToySizeTest {
    @Test
    void everyListenerOnBothSidesSeesEveryVersion() {
        assertOneTrialPerSideWithPositiveSamples(new PublishToListenersCase(99, 3, 2, 0, 1));
    }

    @Test
    void bothSidesReadThePublishedValue() {
        assertOneTrialPerSideWithPositiveSamples(new SnapshotReadCase(Duration.ofMillis(20), 0, 1));
    }

    @Test
    void bothMutexesLockAndUnlock() {
        assertOneTrialPerSideWithPositiveSamples(new MutexAcquireReleaseCase(Duration.ofMillis(50), 0, 1));
    }

    @Test
    void eightClientsHandTheLockOnBothSides() {
        assertOneTrialPerSideWithPositiveSamples(new MutexHandOffCase(Duration.ofMillis(200), 0, 1));
    }

    @Test
    void bothElectionsHandOverAfterACleanClose() {
        assertOneTrialPerSideWithPositiveSamples(new LeaderFailoverCase(LeaderFailoverCase.Ending.CLEAN_CLOSE, 0, 1));
    }

    @Test
    void bothElectionsHandOverAfterKillNineOfTheLeadersJvm() {
        assertOneTrialPerSideWithPositiveSamples(new LeaderFailoverCase(LeaderFailoverCase.Ending.KILL_9, 0, 1));
    }

    @Test
    void bothActivesTakeOverAfterKillNineOfTheLeadersJvm() {
        assertOneTrialPerSideWithPositiveSamples(LeaderFailoverCase.takeover(2000));
    }

    @Test
    void bothWatchersSeeAKilledMemberDie() {
        assertOneTrialPerSideWithPositiveSamples(MemberDetectionCase.withSession(2000));
    }

    @Test
    void bothSidesPickAmongRegisteredInstances() {
        assertOneTrialPerSideWithPositiveSamples(new InstanceSelectionCase(3, Duration.ofMillis(20), 0, 1));
    }

    @Test
    void ringAndModuloSpreadKeys() {
        assertOneTrialPerSideWithPositiveSamples(new RingSpreadCase(10, RingSpreadCase.Measure.KEYS_MOVED_ON_JOIN));
        assertOneTrialPerSideWithPositiveSamples(new RingSpreadCase(10, RingSpreadCase.Measure.MAX_OVER_MEAN_LOAD));
    }

    private static void assertOneTrialPerSideWithPositiveSamples(BenchmarkCase c) {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        CaseResult result = new BenchmarkRunner(new PrintStream(progress, true, StandardCharsets.UTF_8)).run(c, 0, 1);

        assertThat(result.error()).as(progress.toString(StandardCharsets.UTF_8)).isNull();
        assertThat(result.toolkit().samples()).singleElement().satisfies(s -> assertThat(s).isPositive());
        assertThat(result.baseline().samples()).singleElement().satisfies(s -> assertThat(s).isPositive());
    }
}
