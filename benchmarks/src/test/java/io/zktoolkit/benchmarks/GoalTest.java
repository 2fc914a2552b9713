package io.zktoolkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GoalTest {
    @Test
    void aLimitIsKeptByEqualOrBetterSamplesInTheCasesDirection() {
        Goal goal = new Goal("bound", 2500);
        List<Double> samples = List.of(2400.0, 2500.0, 2600.0);

        assertThat(goal.within(samples, Direction.LOWER_IS_BETTER)).isEqualTo(2);
        assertThat(goal.within(samples, Direction.HIGHER_IS_BETTER)).isEqualTo(2);
        assertThat(goal.metBy(samples, Direction.LOWER_IS_BETTER)).isFalse();
        assertThat(goal.metBy(List.of(2400.0, 2500.0), Direction.LOWER_IS_BETTER)).isTrue();
        assertThat(goal.metBy(List.of(), Direction.LOWER_IS_BETTER)).as("no samples meet nothing").isFalse();
    }
}
