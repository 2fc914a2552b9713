package io.zktoolkit.locks.hive;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.FencedLock;
import io.zktoolkit.locks.FencedMutex;
import io.zktoolkit.locks.HierarchyLock;
import io.zktoolkit.locks.Holder;
import io.zktoolkit.locks.LockLease;
import io.zktoolkit.locks.LockMode;
import io.zktoolkit.locks.LockRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;

/**
 * Locks on Hive databases, tables and partitions with Hive's semantics, fair and fenced: what
 * Hive's own {@code ZooKeeperHiveLockManager} does, without its polling, its retry limits and its
 * unfairness.
 *
 * <pre>{@code
 * HiveLocks locks = new HiveLocks(zk);
 * HiveObject day = HiveObject.parse("sales.orders/ds=2024-01-01");
 * try (LockLease lease = locks.lock(day, LockMode.EXCLUSIVE).acquire(Duration.ofMinutes(5)).orElseThrow()) {
 *     lease.checkHeld();
 *     statement.execute("INSERT OVERWRITE TABLE sales.orders PARTITION (ds='2024-01-01') SELECT ...");
 * }
 * }</pre>
 *
 * <p><b>Semantics</b> (Hive's): a lock on an object implies a shared lock on everything containing
 * it. So an exclusive lock on a table conflicts with a shared lock on any of its partitions, and a
 * shared lock on a partition with an exclusive lock on its table or database; readers of a table
 * and a writer of one of its partitions do not conflict. {@link LockMode#SEMI_SHARED} is Hive's
 * ACID insert mode: such holders exclude each other, not readers.
 *
 * <p><b>Design.</b> Each database has one queue of sequential nodes under
 * {@code /locks/hive/<database>}, named after the mode and the object they lock; a request is
 * granted when no earlier request in the queue conflicts with it, and otherwise watches the
 * nearest one that does (see {@link HierarchyLock}). Hive's manager instead makes a znode per
 * object, deletes its request on conflict, sleeps and retries, so a steady stream of readers can
 * starve a writer and a busy table fails statements after {@code hive.lock.numretries}. Every
 * grant here carries a fencing token, to pass along with each write.
 */
public final class HiveLocks {
    /** Where Hive locks live, under the client's namespace. */
    public static final String ROOT = FencedMutex.ROOT + "/hive";

    private final CuratorFramework curator;
    private final Holder holder;
    private final Map<String, HierarchyLock> databases = new ConcurrentHashMap<>();

    /** Hive locks on {@code client}, held as {@link Holder#current()}. */
    public HiveLocks(ToolkitClient client) {
        this(client.curator(), Holder.current());
    }

    /** Hive locks on {@code curator}, whose lock nodes name {@code holder}. */
    public HiveLocks(CuratorFramework curator, Holder holder) {
        this.curator = Objects.requireNonNull(curator, "curator");
        this.holder = Objects.requireNonNull(holder, "holder");
    }

    /** The lock on {@code object} in {@code mode}; call {@link FencedLock#acquire(Duration)} on it. */
    public FencedLock lock(HiveObject object, LockMode mode) {
        HierarchyLock queue = databases.computeIfAbsent(object.database(),
                db -> new HierarchyLock(curator, ROOT + "/" + db, holder));
        return queue.lock(object.segmentsBelowDatabase(), mode,
                mode.label() + " Hive lock on " + object);
    }

    /**
     * Takes every lock a statement needs (what it reads shared, what it writes exclusive), all or
     * none, within one deadline.
     *
     * <p>Locks are taken in one fixed order (by database, then each object before what it
     * contains), so two statements asking for overlapping sets cannot each hold a part and wait
     * for the other. An object asked for twice is locked once, in the stronger mode.
     *
     * @return the held set, or empty when the deadline passed (nothing is left held)
     * @throws IllegalArgumentException when two requested objects would conflict with each other
     *         (for example an exclusive lock on a table and any lock on one of its partitions):
     *         ask for the outer one only
     */
    public Optional<HiveLockSet> lockAll(Map<HiveObject, LockMode> requests, Duration timeout) {
        TreeMap<HiveObject, LockMode> ordered = new TreeMap<>();
        requests.forEach((object, mode) -> ordered.merge(object, mode, HiveLocks::stronger));
        List<Map.Entry<HiveObject, LockMode>> list = new ArrayList<>(ordered.entrySet());
        for (int i = 0; i < list.size(); i++) {
            for (int j = i + 1; j < list.size(); j++) {
                if (conflict(list.get(i), list.get(j))) {
                    throw new IllegalArgumentException("The " + list.get(i).getValue().label() + " lock on "
                            + list.get(i).getKey() + " and the " + list.get(j).getValue().label() + " lock on " + list.get(j).getKey()
                            + " conflict with each other; one statement cannot hold both. Ask for the outer one only");
                }
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<LockLease> held = new ArrayList<>();
        try {
            for (Map.Entry<HiveObject, LockMode> request : list) {
                Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                Optional<LockLease> lease = lock(request.getKey(), request.getValue()).acquire(left);
                if (lease.isEmpty()) {
                    HiveLockSet.releaseAll(held);
                    return Optional.empty();
                }
                held.add(lease.get());
            }
        } catch (RuntimeException e) {
            HiveLockSet.releaseAll(held);
            throw e;
        }
        return Optional.of(new HiveLockSet(new ArrayList<>(ordered.keySet()), held));
    }

    private static LockMode stronger(LockMode a, LockMode b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static boolean conflict(Map.Entry<HiveObject, LockMode> a, Map.Entry<HiveObject, LockMode> b) {
        return a.getKey().database().equals(b.getKey().database())
                && request(a.getKey(), a.getValue()).conflictsWith(request(b.getKey(), b.getValue()));
    }

    private static LockRequest request(HiveObject object, LockMode mode) {
        return new LockRequest(object.segmentsBelowDatabase(), mode);
    }
}
