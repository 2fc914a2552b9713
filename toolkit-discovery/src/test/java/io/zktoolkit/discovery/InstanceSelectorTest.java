package io.zktoolkit.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Selection strategies over a fixed set. */
class InstanceSelectorTest {
    private static final List<String> THREE = List.of("a", "b", "c");

    private static InstanceSelector<String> selector(SelectionStrategy strategy, Duration quarantine) {
        InstanceSelector<String> selector = new InstanceSelector<>(s -> s, s -> 1, strategy, quarantine);
        selector.update(THREE);
        return selector;
    }

    @Test
    void roundRobinTakesEachInTurn() {
        InstanceSelector<String> selector = selector(SelectionStrategy.ROUND_ROBIN, Duration.ofSeconds(1));
        assertThat(List.of(pick(selector), pick(selector), pick(selector), pick(selector)))
                .containsExactly("a", "b", "c", "a");
    }

    @Test
    void randomReachesEveryInstance() {
        InstanceSelector<String> selector = selector(SelectionStrategy.RANDOM, Duration.ofSeconds(1));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            counts.merge(pick(selector), 1, Integer::sum);
        }
        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(THREE);
        assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(800, 1200));
    }

    @Test
    void leastRecentlyFailedPassesOverAFailedInstanceUntilItsQuarantineEnds() throws Exception {
        InstanceSelector<String> selector = selector(SelectionStrategy.LEAST_RECENTLY_FAILED, Duration.ofMillis(300));
        selector.noteFailure("b");
        for (int i = 0; i < 20; i++) {
            assertThat(pick(selector)).isNotEqualTo("b");
        }
        selector.noteFailure("a");
        selector.noteFailure("c");
        assertThat(pick(selector)).as("all failed: the oldest failure is tried first").isEqualTo("b");
        Thread.sleep(400);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            counts.merge(pick(selector), 1, Integer::sum);
        }
        assertThat(counts).as("every quarantine ended").containsOnlyKeys("a", "b", "c");
    }

    @Test
    void keyedPicksFollowTheRingAndEmptySetsGiveNothing() {
        InstanceSelector<String> selector = selector(SelectionStrategy.RANDOM, Duration.ofSeconds(1));
        String owner = selector.select("order-42").orElseThrow();
        assertThat(selector.select("order-42")).contains(owner);
        assertThat(selector.ring().owner("order-42")).isEqualTo(owner);
        selector.update(List.of());
        assertThat(selector.select()).isEmpty();
        assertThat(selector.select("order-42")).isEmpty();
    }

    private static String pick(InstanceSelector<String> selector) {
        return selector.select().orElseThrow();
    }
}
