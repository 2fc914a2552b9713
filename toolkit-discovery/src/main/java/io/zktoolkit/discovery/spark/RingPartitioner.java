package io.zktoolkit.discovery.spark;

import io.zktoolkit.discovery.HashRing;
import io.zktoolkit.discovery.KeyHash;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.Partitioner;

/**
 * A Spark partitioner on a consistent-hash ring of partition numbers: when the partition count
 * grows from n to n + 1, only about 1/(n + 1) of the keys change partition, all of them to the new
 * one, where Spark's {@code HashPartitioner} moves nearly every key. Useful when partitions map to
 * something that is costly to move (a per-partition cache, an output file, a downstream shard).
 *
 * <pre>{@code
 * JavaPairRDD<String, Row> byCustomer = rows.partitionBy(new RingPartitioner(64));
 * }</pre>
 *
 * <p>Text keys hash by their characters and integral keys by value, so a key lands in the same
 * partition in every JVM and every run; other keys hash by {@code hashCode()}. A null key goes to
 * partition 0, as with {@code HashPartitioner}.
 */
public final class RingPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;

    private final int partitions;
    private transient volatile HashRing<Integer> ring;

    /** @param partitions how many partitions, at least 1 */
    public RingPartitioner(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("RingPartitioner needs at least 1 partition, got " + partitions);
        }
        this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
        return partitions;
    }

    @Override
    public int getPartition(Object key) {
        if (key == null) {
            return 0;
        }
        long hash;
        if (key instanceof CharSequence text) {
            hash = KeyHash.of(text);
        } else if (key instanceof Long || key instanceof Integer || key instanceof Short || key instanceof Byte) {
            hash = KeyHash.of(((Number) key).longValue());
        } else {
            hash = KeyHash.of((long) key.hashCode());
        }
        return ring().ownerOfHash(hash);
    }

    private HashRing<Integer> ring() {
        HashRing<Integer> built = ring;
        if (built == null) {
            List<Integer> ids = new ArrayList<>(partitions);
            for (int i = 0; i < partitions; i++) {
                ids.add(i);
            }
            // Built once per executor JVM after deserialization; a race builds it twice, harmlessly.
            built = HashRing.of(ids, i -> "partition-" + i);
            ring = built;
        }
        return built;
    }

    @Override
    public boolean equals(Object other) {
        // Spark skips a shuffle when an RDD is already partitioned by an equal partitioner.
        return other instanceof RingPartitioner that && that.partitions == partitions;
    }

    @Override
    public int hashCode() {
        return partitions;
    }
}
