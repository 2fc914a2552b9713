package io.zktoolkit.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The ring's promises: about 1/n of the keys move per change, none between survivors, an even spread, weights. */
class HashRingTest {
    private static final int KEYS = 200_000;

    private static List<String> members(int n) {
        return IntStream.range(0, n).mapToObj(i -> "worker-" + i).toList();
    }

    @Test
    void removingOneOfNMovesAboutOneNthOfTheKeysAndOnlyItsOwn() {
        for (int n : new int[] {10, 100, 1000}) {
            HashRing<String> before = HashRing.of(members(n), m -> m);
            List<String> fewer = new ArrayList<>(members(n));
            String gone = fewer.remove(n / 2);
            HashRing<String> after = HashRing.of(fewer, m -> m);
            int moved = 0;
            for (int k = 0; k < KEYS; k++) {
                String key = "key-" + k;
                String was = before.owner(key);
                String now = after.owner(key);
                if (!was.equals(now)) {
                    moved++;
                    assertThat(was).as("only the removed member's keys move").isEqualTo(gone);
                }
            }
            double share = moved / (double) KEYS;
            assertThat(share).as("share moved for n=" + n).isBetween(0.4 / n, 2.0 / n);
        }
    }

    @Test
    void addingOneMovesKeysOnlyToTheNewcomer() {
        HashRing<String> before = HashRing.of(members(100), m -> m);
        List<String> more = new ArrayList<>(members(100));
        more.add("newcomer");
        HashRing<String> after = HashRing.of(more, m -> m);
        int moved = 0;
        for (int k = 0; k < KEYS; k++) {
            String now = after.owner(k);
            if (!before.owner(k).equals(now)) {
                moved++;
                assertThat(now).isEqualTo("newcomer");
            }
        }
        assertThat(moved / (double) KEYS).isBetween(0.004, 0.02);
    }

    @Test
    void loadIsSpreadEvenly() {
        for (int n : new int[] {10, 100}) {
            HashRing<String> ring = HashRing.of(members(n), m -> m);
            Map<String, Integer> load = new HashMap<>();
            for (int k = 0; k < KEYS; k++) {
                load.merge(ring.owner("order-" + k), 1, Integer::sum);
            }
            double mean = KEYS / (double) n;
            int max = load.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
            assertThat(load).hasSize(n);
            assertThat(max / mean).as("max over mean for n=" + n).isLessThan(1.35);
        }
    }

    @Test
    void weightsShareKeysInProportionAndZeroMeansNone() {
        record Member(String id, int weight) {
        }
        List<Member> members = List.of(new Member("small", 1), new Member("big", 3), new Member("off", 0));
        HashRing<Member> ring = HashRing.of(members, Member::id, Member::weight, HashRing.DEFAULT_POINTS_PER_WEIGHT);
        Map<String, Integer> load = new HashMap<>();
        for (int k = 0; k < KEYS; k++) {
            load.merge(ring.owner(k).id(), 1, Integer::sum);
        }
        assertThat(load).doesNotContainKey("off");
        assertThat(load.get("big") / (double) load.get("small")).isBetween(2.4, 3.6);
    }

    @Test
    void badMembersAreRefusedByName() {
        assertThatThrownBy(() -> HashRing.of(List.of("a", "a"), m -> m)).hasMessageContaining("id 'a'");
        assertThatThrownBy(() -> HashRing.of(List.of("a"), m -> m, m -> -1, 10)).hasMessageContaining("'a' is -1");
        assertThatThrownBy(() -> HashRing.<String>of(List.of(), m -> m).owner("x")).hasMessageContaining("no members");
    }
}
