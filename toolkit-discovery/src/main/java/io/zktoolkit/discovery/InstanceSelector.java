package io.zktoolkit.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Picks one of a set of instances in constant time: the set is an immutable snapshot replaced
 * whenever membership changes, so a pick reads one volatile field and indexes an array, costs no
 * ZooKeeper round trip, and does not slow down as instances grow. (Curator's
 * {@code ServiceProvider} copies and filters the instance list on every call instead.)
 *
 * <p>{@link #select(CharSequence)} picks by consistent hash: the same key goes to the same
 * instance while it lives, and only about 1/n of the keys move when one of n instances comes or
 * goes. The ring is built once per membership change, on the first keyed pick.
 *
 * @param <T> the instance type
 */
public final class InstanceSelector<T> {
    private final Function<T, String> id;
    private final ToIntFunction<T> weight;
    private final SelectionStrategy strategy;
    private final long quarantineNanos;
    private final AtomicInteger turn = new AtomicInteger();
    private final Map<String, Long> lastFailure = new ConcurrentHashMap<>();
    private volatile Snapshot snapshot;

    /**
     * @param id an instance's stable id (its ring position and failure record)
     * @param weight an instance's ring weight, 0 to 1,000
     * @param quarantine how long a failed instance is passed over by {@link SelectionStrategy#LEAST_RECENTLY_FAILED}
     */
    public InstanceSelector(Function<T, String> id, ToIntFunction<T> weight, SelectionStrategy strategy, Duration quarantine) {
        this.id = Objects.requireNonNull(id, "id");
        this.weight = Objects.requireNonNull(weight, "weight");
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.quarantineNanos = quarantine.toNanos();
        this.snapshot = new Snapshot(List.of(), List.of(), Long.MAX_VALUE, null);
    }

    /** Replaces the instance set. */
    public void update(List<T> instances) {
        List<T> now = List.copyOf(instances);
        lastFailure.keySet().retainAll(now.stream().map(id).collect(java.util.stream.Collectors.toSet()));
        snapshot = snapshotOf(now);
    }

    /** The current instances. */
    public List<T> instances() {
        return snapshot.all;
    }

    /** One instance by the strategy, or empty when there are none. */
    public Optional<T> select() {
        Snapshot s = snapshot;
        List<T> all = s.all;
        int n = all.size();
        if (n == 0) {
            return Optional.empty();
        }
        return switch (strategy) {
            case RANDOM -> Optional.of(all.get(ThreadLocalRandom.current().nextInt(n)));
            case ROUND_ROBIN -> Optional.of(all.get(Math.floorMod(turn.getAndIncrement(), n)));
            case LEAST_RECENTLY_FAILED -> Optional.of(leastRecentlyFailed(s));
        };
    }

    /**
     * One instance by the strategy among those whose id is not in {@code excludedIds}, or empty when
     * none is left: the next one to try after the excluded ones failed. Unlike {@link #select()} it
     * filters, so it allocates; it is meant for the failure path.
     */
    public Optional<T> selectExcluding(Set<String> excludedIds) {
        if (excludedIds.isEmpty()) {
            return select();
        }
        Snapshot s = snapshot;
        List<T> rest = s.all.stream().filter(i -> !excludedIds.contains(id.apply(i))).toList();
        if (rest.isEmpty()) {
            return Optional.empty();
        }
        return switch (strategy) {
            case RANDOM -> Optional.of(rest.get(ThreadLocalRandom.current().nextInt(rest.size())));
            case ROUND_ROBIN -> Optional.of(rest.get(Math.floorMod(turn.getAndIncrement(), rest.size())));
            case LEAST_RECENTLY_FAILED -> Optional.of(leastRecentlyFailed(rest));
        };
    }

    /** The instance owning {@code key} on the consistent-hash ring, or empty when there are none. */
    public Optional<T> select(CharSequence key) {
        HashRing<T> ring = snapshot.ring();
        return ring.isEmpty() ? Optional.empty() : Optional.of(ring.owner(key));
    }

    /** The current consistent-hash ring. */
    public HashRing<T> ring() {
        return snapshot.ring();
    }

    /** Records that {@code instance} just failed, so {@link SelectionStrategy#LEAST_RECENTLY_FAILED} passes it over. */
    public void noteFailure(T instance) {
        lastFailure.put(id.apply(instance), System.nanoTime());
        snapshot = snapshotOf(snapshot.all);
    }

    private T leastRecentlyFailed(Snapshot s) {
        if (System.nanoTime() - s.healthyUntil >= 0 && s.healthyUntil != Long.MAX_VALUE) {
            // A quarantine ran out since the snapshot was taken: let that instance back in.
            s = snapshotOf(s.all);
            snapshot = s;
        }
        List<T> healthy = s.healthy;
        if (healthy.isEmpty()) {
            return s.leastRecent;
        }
        return healthy.get(Math.floorMod(turn.getAndIncrement(), healthy.size()));
    }

    /** Round robin over those of {@code candidates} not failed within the quarantine, else the one whose failure is oldest. */
    private T leastRecentlyFailed(List<T> candidates) {
        Snapshot s = snapshotOf(candidates);
        return s.healthy.isEmpty() ? s.leastRecent : s.healthy.get(Math.floorMod(turn.getAndIncrement(), s.healthy.size()));
    }

    private Snapshot snapshotOf(List<T> all) {
        long now = System.nanoTime();
        List<T> healthy = new ArrayList<>(all.size());
        long healthyUntil = Long.MAX_VALUE;
        T leastRecent = null;
        long oldest = Long.MAX_VALUE;
        for (T instance : all) {
            Long failed = lastFailure.get(id.apply(instance));
            if (failed == null || now - failed >= quarantineNanos) {
                healthy.add(instance);
                continue;
            }
            long back = failed + quarantineNanos;
            healthyUntil = healthyUntil == Long.MAX_VALUE || back - healthyUntil < 0 ? back : healthyUntil;
            if (leastRecent == null || failed - oldest < 0) {
                leastRecent = instance;
                oldest = failed;
            }
        }
        return new Snapshot(all, List.copyOf(healthy), healthyUntil, leastRecent);
    }

    /** One membership state; its ring is built on first use (by more than one thread only under a race, harmlessly). */
    private final class Snapshot {
        final List<T> all;
        final List<T> healthy;
        final long healthyUntil;
        final T leastRecent;
        private volatile HashRing<T> ring;

        Snapshot(List<T> all, List<T> healthy, long healthyUntil, T leastRecent) {
            this.all = all;
            this.healthy = healthy;
            this.healthyUntil = healthyUntil;
            this.leastRecent = leastRecent;
        }

        HashRing<T> ring() {
            HashRing<T> built = ring;
            if (built == null) {
                built = HashRing.of(all, id, weight, HashRing.DEFAULT_POINTS_PER_WEIGHT);
                ring = built;
            }
            return built;
        }
    }
}
