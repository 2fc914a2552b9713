package io.zktoolkit.discovery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * An immutable consistent-hash ring: each member owns {@code pointsPerWeight x weight} points
 * placed by hashing its id, and a key belongs to the member owning the first point at or after
 * the key's hash.
 *
 * <p>Because a member's points depend on its id alone, adding or removing one of n equal members
 * moves only the keys between its points and their predecessors, about 1/n of them, and no key
 * moves between two members that stayed. Many points per member even out the spread. Lookups
 * jump through a 65,536-slot index to a handful of points, so they cost the same with 3 or 3,000
 * members and allocate nothing.
 *
 * @param <T> the member type
 */
public final class HashRing<T> {
    /** Points per unit of weight: enough for a max/mean load near 1.1 at a few hundred members. */
    public static final int DEFAULT_POINTS_PER_WEIGHT = 160;
    private static final int INDEX_BITS = 16;

    private final long[] points;
    private final Object[] owners;
    private final int[] index;
    private final List<T> members;

    private HashRing(long[] points, Object[] owners, List<T> members) {
        this.points = points;
        this.owners = owners;
        this.members = members;
        this.index = buildIndex(points);
    }

    /**
     * A ring over {@code members}, each placed by {@code id} with {@code weight} (0 leaves a member
     * off the ring; at most 1,000).
     *
     * @throws IllegalArgumentException for duplicate ids or a weight out of range, naming the member
     */
    public static <T> HashRing<T> of(List<T> members, Function<T, String> id, ToIntFunction<T> weight, int pointsPerWeight) {
        if (pointsPerWeight < 1) {
            throw new IllegalArgumentException("pointsPerWeight must be at least 1, got " + pointsPerWeight);
        }
        int total = 0;
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (T member : members) {
            String memberId = Objects.requireNonNull(id.apply(member), "member id");
            if (!ids.add(memberId)) {
                throw new IllegalArgumentException("Two ring members have the id '" + memberId + "'; ids must be unique");
            }
            int w = weight.applyAsInt(member);
            if (w < 0 || w > 1000) {
                throw new IllegalArgumentException("Weight of ring member '" + memberId + "' is " + w + "; expected 0 to 1000");
            }
            total += w * pointsPerWeight;
        }
        long[] hashes = new long[total];
        List<T> placed = new ArrayList<>(total);
        int at = 0;
        StringBuilder label = new StringBuilder();
        for (T member : members) {
            String memberId = id.apply(member);
            int count = weight.applyAsInt(member) * pointsPerWeight;
            for (int i = 0; i < count; i++) {
                label.setLength(0);
                label.append(memberId).append('#').append(i);
                hashes[at] = KeyHash.of(label);
                placed.add(member);
                at++;
            }
        }
        // Sort points as unsigned numbers, carrying their owners along.
        Integer[] byHash = new Integer[total];
        for (int i = 0; i < total; i++) {
            byHash[i] = i;
        }
        Arrays.sort(byHash, (a, b) -> Long.compareUnsigned(hashes[a], hashes[b]));
        long[] points = new long[total];
        Object[] owners = new Object[total];
        for (int i = 0; i < total; i++) {
            points[i] = hashes[byHash[i]];
            owners[i] = placed.get(byHash[i]);
        }
        return new HashRing<>(points, owners, List.copyOf(members));
    }

    /** A ring of equal-weight members with the default number of points. */
    public static <T> HashRing<T> of(List<T> members, Function<T, String> id) {
        return of(members, id, m -> 1, DEFAULT_POINTS_PER_WEIGHT);
    }

    /** The members the ring was built from, in the given order. */
    public List<T> members() {
        return members;
    }

    /** Whether no member has points on the ring. */
    public boolean isEmpty() {
        return points.length == 0;
    }

    /** The member owning {@code key}. @throws IllegalStateException when the ring is empty */
    public T owner(CharSequence key) {
        return ownerOfHash(KeyHash.of(key));
    }

    /** The member owning the numeric {@code key}. @throws IllegalStateException when the ring is empty */
    public T owner(long key) {
        return ownerOfHash(KeyHash.of(key));
    }

    @SuppressWarnings("unchecked")
    T ownerOfHash(long hash) {
        if (points.length == 0) {
            throw new IllegalStateException("The ring has no members");
        }
        int slot = (int) (hash >>> (64 - INDEX_BITS));
        int i = index[slot];
        // Points are sorted unsigned; walk the few in this slot to the first at or after the hash.
        while (i < points.length && Long.compareUnsigned(points[i], hash) < 0) {
            i++;
        }
        return (T) owners[i == points.length ? 0 : i];
    }

    /** For each slot of the index, the first point whose top bits are at or after the slot. */
    private static int[] buildIndex(long[] points) {
        int slots = 1 << INDEX_BITS;
        int[] index = new int[slots];
        int p = 0;
        for (int slot = 0; slot < slots; slot++) {
            while (p < points.length && (points[p] >>> (64 - INDEX_BITS)) < slot) {
                p++;
            }
            index[slot] = p;
        }
        return index;
    }
}
