package io.zktoolkit.sync.checkpoint;

import io.zktoolkit.sync.NodeNames;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ZnodeLimits;
import io.zktoolkit.locks.Holder;
import java.time.Clock;
import java.util.Comparator;
import java.util.Objects;
import org.apache.curator.framework.CuratorFramework;

/**
 * Named checkpoints, each in one znode {@code <root>/<name>} (default root {@value #ROOT}):
 * a value, who wrote it, and the last {@link Builder#historySize(int) N} earlier values.
 * Keeping the history inside the same znode makes each write a single {@code setData}, so a
 * reader never sees a value without its history, at the cost of N records per read (small: a
 * checkpoint value is a last-value, not data).
 *
 * <pre>{@code
 * CheckpointStore store = CheckpointStore.builder(zk).build();
 * Checkpoint orders = store.checkpoint("sqoop/orders", CheckpointOrder.NUMERIC);
 * try (LockLease lease = FencedMutex.named(zk, "sqoop/orders").acquire(Duration.ofMinutes(1)).orElseThrow()) {
 *     CheckpointSnapshot last = orders.read();
 *     // ... import rows after last.value() ...
 *     orders.advance(lease, last, "1200", runId);
 * }
 * }</pre>
 *
 * <p>The store holds no watches or threads, so it has nothing to start or close.
 */
public final class CheckpointStore {
    /** Where checkpoints live by default, under the client's namespace. */
    public static final String ROOT = "/checkpoints";


    private final CuratorFramework curator;
    private final String root;
    private final int historySize;
    private final Holder writer;
    private final Clock clock;

    private CheckpointStore(Builder b) {
        this.curator = b.curator;
        this.root = b.root;
        this.historySize = b.historySize;
        this.writer = b.writer;
        this.clock = b.clock;
    }

    /** A builder for a store on a connected toolkit client. */
    public static Builder builder(ToolkitClient client) {
        return new Builder(client.curator());
    }

    /** A builder for a store on any connected Curator client. */
    public static Builder builder(CuratorFramework curator) {
        return new Builder(curator);
    }

    /**
     * The checkpoint named {@code name}, which may only move forward in {@code order}.
     *
     * @param name one or more segments of letters, digits, {@code . _ -} separated by {@code /},
     *     for example {@code sqoop/orders}
     * @param order the checkpoint's "forward", for example {@link CheckpointOrder#NUMERIC}
     */
    public Checkpoint checkpoint(String name, Comparator<String> order) {
        Objects.requireNonNull(order, "order");
        if (!NodeNames.isNamePath(name)) {
            throw new IllegalArgumentException("Invalid checkpoint name '" + ZnodeLimits.printable(name) + "': "
                    + NodeNames.NAME_PATH_RULE + ", for example sqoop/orders");
        }
        return new Checkpoint(this, name, root + "/" + name, order);
    }

    CuratorFramework curator() {
        return curator;
    }

    int historySize() {
        return historySize;
    }

    Holder writer() {
        return writer;
    }

    Clock clock() {
        return clock;
    }

    /** Options of a {@link CheckpointStore}. */
    public static final class Builder {
        private final CuratorFramework curator;
        private String root = ROOT;
        private int historySize = 10;
        private Holder writer = Holder.current();
        private Clock clock = Clock.systemUTC();

        private Builder(CuratorFramework curator) {
            this.curator = Objects.requireNonNull(curator, "curator");
        }

        /** The znode under which checkpoints live; default {@value CheckpointStore#ROOT}. */
        public Builder root(String root) {
            if (root == null || !root.startsWith("/") || !NodeNames.isNamePath(root.substring(1))) {
                throw new IllegalArgumentException("Invalid checkpoint root '" + ZnodeLimits.printable(root)
                        + "': expected '/' then " + NodeNames.NAME_PATH_RULE.substring(4) + ", for example /checkpoints");
            }
            this.root = root;
            return this;
        }

        /** How many earlier values each checkpoint keeps, 0 to 100; default 10. */
        public Builder historySize(int historySize) {
            if (historySize < 0 || historySize > 100) {
                throw new IllegalArgumentException("historySize must be 0 to 100, not " + historySize);
            }
            this.historySize = historySize;
            return this;
        }

        /** Who is recorded as the writer; default {@link Holder#current()}. */
        public Builder writer(Holder writer) {
            this.writer = Objects.requireNonNull(writer, "writer");
            return this;
        }

        /** The clock for write times; default UTC system time. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The store. */
        public CheckpointStore build() {
            return new CheckpointStore(this);
        }
    }
}
