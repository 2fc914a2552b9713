package io.zktoolkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Checks both sides really run, not how fast: wall time on a shared machine proves nothing. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedConnectCaseTest {
    @Test
    void bothSidesConnectAndProduceAPositiveSample() {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        CaseResult result = new BenchmarkRunner(new PrintStream(progress, true, StandardCharsets.UTF_8))
                .run(new EmbeddedConnectCase(), 0, 1);

        assertThat(result.error()).as(progress.toString(StandardCharsets.UTF_8)).isNull();
        assertThat(result.toolkit().samples()).singleElement().satisfies(ms -> assertThat(ms).isPositive());
        assertThat(result.baseline().samples()).singleElement().satisfies(ms -> assertThat(ms).isPositive());
        assertThat(result.unit()).isEqualTo("ms");
        assertThat(result.direction()).isEqualTo(Direction.LOWER_IS_BETTER);
    }
}
