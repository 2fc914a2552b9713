package io.zktoolkit.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** {@link InstanceSelector#selectExcluding}: the next instance to try once some failed. */
class InstanceSelectorExcludingTest {
    private static InstanceSelector<String> selector(SelectionStrategy strategy, String... ids) {
        InstanceSelector<String> selector = new InstanceSelector<>(Function.identity(), i -> 1, strategy, Duration.ofMinutes(1));
        selector.update(List.of(ids));
        return selector;
    }

    @Test
    void everyStrategyVisitsEachInstanceOnceAndThenRunsOut() {
        for (SelectionStrategy strategy : SelectionStrategy.values()) {
            InstanceSelector<String> selector = selector(strategy, "a", "b", "c");
            Set<String> tried = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                String next = selector.selectExcluding(tried).orElseThrow();
                assertThat(tried.add(next)).as("%s picked %s twice", strategy, next).isTrue();
            }
            assertThat(selector.selectExcluding(tried)).as("%s", strategy).isEmpty();
        }
    }

    @Test
    void leastRecentlyFailedPrefersHealthyThenTheOldestFailure() throws InterruptedException {
        InstanceSelector<String> selector = selector(SelectionStrategy.LEAST_RECENTLY_FAILED, "a", "b", "c");
        selector.noteFailure("b");
        Thread.sleep(2);
        selector.noteFailure("a");

        assertThat(selector.selectExcluding(Set.of("x"))).contains("c");
        assertThat(selector.selectExcluding(Set.of("c"))).contains("b");
        assertThat(selector.selectExcluding(Set.of("c", "b"))).contains("a");
    }

    @Test
    void anEmptyExclusionIsAPlainSelect() {
        assertThat(selector(SelectionStrategy.ROUND_ROBIN, "a").selectExcluding(Set.of())).contains("a");
        assertThat(selector(SelectionStrategy.RANDOM).selectExcluding(Set.of("a"))).isEmpty();
    }
}
