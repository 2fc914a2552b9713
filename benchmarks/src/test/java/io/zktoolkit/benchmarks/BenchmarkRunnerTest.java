package io.zktoolkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BenchmarkRunnerTest {
    private final BenchmarkRunner runner = new BenchmarkRunner(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    /** 2 warmups of 1000 (to be discarded), then the given samples. */
    private static List<Object> script(double... measured) {
        List<Object> script = new ArrayList<>(List.of(1000.0, 1000.0));
        for (double m : measured) {
            script.add(m);
        }
        return script;
    }

    private static double[] tens(int from, int step) {
        return IntStream.range(0, 10).mapToDouble(i -> from + i * step).toArray();
    }

    @Test
    void summarisesEachSideAndComparesTheMedians() {
        FakeCase fake = new FakeCase("fake", Direction.LOWER_IS_BETTER, 2, script(tens(10, 10)), script(tens(20, 20)));

        CaseResult result = runner.run(fake, 2, 10);

        assertThat(result.completed()).isTrue();
        assertThat(result.toolkit().samples()).containsExactly(10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0);
        SampleSummary t = result.toolkit().summary();
        assertThat(t.median()).isEqualTo(55.0);
        assertThat(t.p10()).isCloseTo(19.0, within(1e-9));
        assertThat(t.p90()).isCloseTo(91.0, within(1e-9));
        assertThat(t.min()).isEqualTo(10.0);
        assertThat(t.max()).isEqualTo(100.0);
        assertThat(result.baseline().summary().median()).isEqualTo(110.0);
        assertThat(result.ratio()).hasValue(0.5);
        assertThat(result.verdict()).hasValue(Direction.Verdict.BETTER);
        assertThat(result.rangesOverlap()).isTrue();
        assertThat(fake.tornDown).isTrue();
    }

    @Test
    void theSameRatioIsWorseWhenHigherIsBetter() {
        FakeCase fake = new FakeCase("fake", Direction.HIGHER_IS_BETTER, 2, script(tens(10, 10)), script(tens(20, 20)));

        assertThat(runner.run(fake, 2, 10).verdict()).hasValue(Direction.Verdict.WORSE);
    }

    @Test
    void interleavesTheSidesAndAlternatesWhichGoesFirst() {
        FakeCase fake = new FakeCase("fake", Direction.LOWER_IS_BETTER, 2, script(1, 2), script(3, 4));

        runner.run(fake, 2, 2);

        assertThat(fake.calls).containsExactly(
                "toolkit", "baseline", "baseline", "toolkit",
                "toolkit", "baseline", "baseline", "toolkit");
    }

    @Test
    void retriesATransientFailureAndCountsIt() {
        List<Object> baseline = script(5, 6, 7);
        baseline.add(3, new RetryableTrialException("port race", new IllegalArgumentException(
                "Client and election port must be different!")));
        FakeCase fake = new FakeCase("fake", Direction.LOWER_IS_BETTER, 2, script(1, 2, 3), baseline);

        CaseResult result = runner.run(fake, 2, 3);

        assertThat(result.completed()).isTrue();
        assertThat(result.baseline().samples()).containsExactly(5.0, 6.0, 7.0);
        assertThat(result.baseline().retries()).isEqualTo(1);
        assertThat(result.baseline().retryReasons()).singleElement().asString()
                .contains("port race", "Client and election port must be different!");
        assertThat(result.toolkit().retries()).isZero();
    }

    @Test
    void givesUpOnASideThatKeepsFailingTransiently() {
        List<Object> failures = new ArrayList<>(Collections.nCopies(BenchmarkRunner.MAX_ATTEMPTS,
                new RetryableTrialException("port race", null)));
        FakeCase fake = new FakeCase("fake", Direction.LOWER_IS_BETTER, 0, script(1), failures);

        CaseResult result = runner.run(fake, 0, 1);

        assertThat(result.completed()).isFalse();
        assertThat(result.error()).contains("failed " + BenchmarkRunner.MAX_ATTEMPTS + " times in a row");
    }

    @Test
    void aFailingCaseIsReportedAndTheRunGoesOn() {
        FakeCase broken = new FakeCase("broken", Direction.LOWER_IS_BETTER, 0,
                List.of(new IllegalStateException("server would not start")), List.of(1.0));
        FakeCase fine = new FakeCase("fine", Direction.LOWER_IS_BETTER, 0, List.of(1.0), List.of(2.0));

        RunReport report = runner.runAll(List.of(broken, fine), RunnerOptions.parse("--out", "x.json", "--trials", "1",
                "--warmups", "0"));

        assertThat(report.results()).extracting(CaseResult::name).containsExactly("broken", "fine");
        assertThat(report.results().get(0).error()).contains("server would not start");
        assertThat(report.results().get(0).toolkit()).isNull();
        assertThat(broken.tornDown).isTrue();
        assertThat(report.results().get(1).ratio()).hasValue(0.5);
        assertThat(report.allCompleted()).isFalse();
    }
}
