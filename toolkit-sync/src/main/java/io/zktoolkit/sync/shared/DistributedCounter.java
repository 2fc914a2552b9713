package io.zktoolkit.sync.shared;

import io.zktoolkit.sync.CorruptSyncDataException;
import io.zktoolkit.sync.OutcomeUnknownException;

import io.zktoolkit.config.ToolkitClient;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;

/**
 * A counter shared between processes: a compare-and-set loop on a {@link SharedValue}, in the
 * znode {@code /counters/<name>}.
 *
 * <p>An {@link #add} that returns has been applied exactly once; one that throws
 * {@link OutcomeUnknownException} was applied at most once (ZooKeeper stayed unreachable too
 * long to find out). It is never applied twice, which Curator's {@code DistributedAtomicLong} can
 * do after a lost reply (see {@link SharedValue} for why). The price is a read per attempt and
 * one more round trip when a reply is lost; under contention each writer retries until its
 * compare-and-set wins.
 */
public final class DistributedCounter {
    /** Where named counters live, under the client's namespace. */
    public static final String ROOT = "/counters";

    private final SharedValue value;

    /** The counter at {@code path}, starting at 0; an add keeps trying for up to {@code operationTimeout}. */
    public DistributedCounter(CuratorFramework curator, String path, Duration operationTimeout) {
        this.value = new SharedValue(curator, path, "0", operationTimeout);
    }

    /** The counter named {@code name} under {@value #ROOT}, for example {@code imports/rows}; an add tries for 30 s. */
    public static DistributedCounter named(ToolkitClient client, String name) {
        return new DistributedCounter(client.curator(), ROOT + "/" + name, Duration.ofSeconds(30));
    }

    /** The counter's znode. */
    public String path() {
        return value.path();
    }

    /** The current count. */
    public long get() {
        return parse(value.get());
    }

    /** Adds one; returns the count this increment produced. */
    public long increment() {
        return add(1);
    }

    /**
     * Adds {@code delta} (may be negative).
     *
     * @return the count this addition produced
     * @throws OutcomeUnknownException when it is unknown whether the addition landed (at most once)
     * @throws ArithmeticException when the count would overflow; nothing is written
     */
    public long add(long delta) {
        while (true) {
            VersionedValue current = value.get();
            long next = Math.addExact(parse(current), delta);
            if (value.compareAndSet(current, Long.toString(next))) {
                return next;
            }
        }
    }

    private long parse(VersionedValue read) {
        try {
            return Long.parseLong(read.value());
        } catch (NumberFormatException e) {
            throw new CorruptSyncDataException(value.path(), "the counter holds '" + read.value() + "', not a whole number");
        }
    }

    @Override
    public String toString() {
        return "DistributedCounter[" + value.path() + "]";
    }
}
