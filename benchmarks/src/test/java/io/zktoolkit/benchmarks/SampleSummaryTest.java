package io.zktoolkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SampleSummaryTest {
    @Test
    void oneSampleIsEveryStatistic() {
        assertThat(SampleSummary.of(List.of(7.0))).isEqualTo(new SampleSummary(7, 7, 7, 7, 7));
    }

    @Test
    void anEvenCountHasTheMeanOfTheMiddleTwoAsMedianWhateverTheOrder() {
        SampleSummary s = SampleSummary.of(List.of(4.0, 1.0, 3.0, 2.0));

        assertThat(s.median()).isEqualTo(2.5);
        assertThat(s.p10()).isEqualTo(1.3, within(1e-9));
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.max()).isEqualTo(4.0);
    }

    @Test
    void rangesOverlapOnlyWhenTheyShareAValue() {
        SampleSummary low = new SampleSummary(2, 1, 3, 0, 4);
        SampleSummary touching = new SampleSummary(4, 3, 5, 3, 6);
        SampleSummary high = new SampleSummary(5, 4, 6, 4, 7);

        assertThat(low.overlaps(touching)).isTrue();
        assertThat(touching.overlaps(low)).isTrue();
        assertThat(low.overlaps(high)).isFalse();
    }

    @Test
    void refusesNoSamples() {
        assertThatThrownBy(() -> SampleSummary.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
