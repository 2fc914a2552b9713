package io.zktoolkit.benchmarks;

import io.zktoolkit.discovery.HashRing;
import io.zktoolkit.discovery.KeyHash;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How well keys are spread over {@code n} members, by the toolkit's {@link HashRing} against a
 * plain {@code hash mod n}: either the share of keys that change owner when one member joins
 * (the ideal is 1/(n+1); modulo moves nearly all), or the most loaded member's keys over the
 * mean (the ideal is 1). Both are counts, not timings: one deterministic trial per side.
 */
public final class RingSpreadCase extends SampledCase {
    /** What is measured. */
    public enum Measure {
        /** Percent of keys whose owner changes when one member joins. */
        KEYS_MOVED_ON_JOIN,
        /** Most loaded member's keys over the mean. */
        MAX_OVER_MEAN_LOAD
    }

    private static final int KEYS = 1_000_000;
    private final int members;
    private final Measure measure;

    public RingSpreadCase(int members, Measure measure) {
        // Counts, not timings: one deterministic trial per side, nothing to warm up.
        super(measure == Measure.KEYS_MOVED_ON_JOIN ? "% of keys" : "max/mean", Direction.LOWER_IS_BETTER, 0, 1);
        this.members = members;
        this.measure = measure;
    }

    @Override
    public String name() {
        return measure == Measure.KEYS_MOVED_ON_JOIN
                ? "keys moved when 1 member joins " + members + " (ideal " + String.format("%.2f", 100.0 / (members + 1)) + "%)"
                : "max/mean keys per member over " + members + " members (ideal 1)";
    }





    @Override
    public Side toolkit() {
        return new Side("HashRing, " + HashRing.DEFAULT_POINTS_PER_WEIGHT + " points per member, " + KEYS + " keys",
                () -> {
                    HashRing<Integer> ring = HashRing.of(ids(members), String::valueOf);
                    HashRing<Integer> grown = HashRing.of(ids(members + 1), String::valueOf);
                    return score(key -> ring.owner(key), key -> grown.owner(key));
                });
    }

    @Override
    public Side baseline() {
        return new Side("hash(key) mod n, same hash and keys",
                () -> score(key -> (int) Long.remainderUnsigned(KeyHash.of(key), members),
                        key -> (int) Long.remainderUnsigned(KeyHash.of(key), members + 1)));
    }

    private double score(Owner before, Owner after) {
        if (measure == Measure.KEYS_MOVED_ON_JOIN) {
            long moved = 0;
            for (long key = 0; key < KEYS; key++) {
                if (before.of(key) != after.of(key)) {
                    moved++;
                }
            }
            return 100.0 * moved / KEYS;
        }
        int[] load = new int[members];
        for (long key = 0; key < KEYS; key++) {
            load[before.of(key)]++;
        }
        return IntStream.of(load).max().orElseThrow() / (KEYS / (double) members);
    }

    private static List<Integer> ids(int n) {
        List<Integer> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(i);
        }
        return ids;
    }

    @FunctionalInterface
    private interface Owner {
        int of(long key);
    }
}
