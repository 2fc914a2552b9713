package io.zktoolkit.locks.hive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.FencedOwnership;
import io.zktoolkit.locks.Holder;
import io.zktoolkit.locks.LockInspector;
import io.zktoolkit.locks.LockLease;
import io.zktoolkit.locks.LockLostException;
import io.zktoolkit.locks.LockMode;
import io.zktoolkit.config.testing.QuorumClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hive database, table and partition locks on a real 3-server ensemble. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HiveLocksTest {
    private static final HiveObject DB = HiveObject.database("sales");
    private static final HiveObject ORDERS = HiveObject.table("sales", "orders");
    private static final HiveObject DAY1 = HiveObject.parse("sales.orders/ds=2024-01-01");
    private static final HiveObject DAY1_HOUR7 = HiveObject.parse("sales.orders/ds=2024-01-01/hr=07");
    private static final HiveObject DAY2 = HiveObject.parse("sales.orders/ds=2024-01-02");
    private static final HiveObject CUSTOMERS = HiveObject.table("sales", "customers");
    private static final HiveObject OTHER_DB_ORDERS = HiveObject.table("finance", "orders");

    private final QuorumClients zk = new QuorumClients();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
        zk.close();
    }

    /**
     * Hive's own matrix, written out by hand from ZooKeeperHiveLockManager's behaviour (a lock
     * implies SHARED on every ancestor): the ZooKeeper queue must grant exactly this.
     */
    private static boolean hiveSaysConflict(HiveObject a, LockMode ma, HiveObject b, LockMode mb) {
        if (a.equals(b)) {
            return ma == LockMode.EXCLUSIVE || mb == LockMode.EXCLUSIVE
                    || (ma == LockMode.SEMI_SHARED && mb == LockMode.SEMI_SHARED);
        }
        return (ma == LockMode.EXCLUSIVE && contains(a, b)) || (mb == LockMode.EXCLUSIVE && contains(b, a));
    }

    private static boolean contains(HiveObject outer, HiveObject inner) {
        String o = outer.toString();
        String i = inner.toString();
        return inner.database().equals(outer.database()) && (!outer.hasTable() || i.startsWith(o + "/"));
    }

    @Test
    void theQueueGrantsExactlyHivesConflictMatrix() {
        HiveLocks first = new HiveLocks(zk.open());
        HiveLocks second = new HiveLocks(zk.open());
        List<HiveObject> objects = List.of(DB, ORDERS, DAY1, DAY1_HOUR7, DAY2, CUSTOMERS, OTHER_DB_ORDERS);
        List<String> mismatches = new ArrayList<>();
        int conflicts = 0;
        for (HiveObject a : objects) {
            for (LockMode ma : LockMode.values()) {
                LockLease held = first.lock(a, ma).acquire(Duration.ofSeconds(10)).orElseThrow();
                for (HiveObject b : objects) {
                    for (LockMode mb : LockMode.values()) {
                        Optional<LockLease> tried = second.lock(b, mb).acquire(Duration.ZERO);
                        boolean blocked = tried.isEmpty();
                        tried.ifPresent(LockLease::release);
                        conflicts += blocked ? 1 : 0;
                        if (blocked != hiveSaysConflict(a, ma, b, mb)) {
                            mismatches.add(ma.label() + " " + a + " then " + mb.label() + " " + b + ": "
                                    + (blocked ? "blocked" : "granted"));
                        }
                    }
                }
                held.release();
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(conflicts).as("the matrix has both outcomes").isBetween(50, 400);
    }

    @Test
    void theCasesTheIssueNamesExplicitly() {
        HiveLocks a = new HiveLocks(zk.open());
        HiveLocks b = new HiveLocks(zk.open());
        try (LockLease table = a.lock(ORDERS, LockMode.EXCLUSIVE).acquire(Duration.ofSeconds(5)).orElseThrow()) {
            assertThat(b.lock(DAY1, LockMode.SHARED).acquire(Duration.ZERO)).as("exclusive table, then shared partition").isEmpty();
            assertThat(b.lock(CUSTOMERS, LockMode.EXCLUSIVE).acquire(Duration.ZERO)).as("another table").isPresent()
                    .get().satisfies(LockLease::release);
        }
        try (LockLease partition = a.lock(DAY1, LockMode.SHARED).acquire(Duration.ofSeconds(5)).orElseThrow()) {
            assertThat(b.lock(ORDERS, LockMode.EXCLUSIVE).acquire(Duration.ZERO)).as("shared partition, then exclusive table").isEmpty();
            assertThat(b.lock(DB, LockMode.EXCLUSIVE).acquire(Duration.ZERO)).as("shared partition, then exclusive database").isEmpty();
            assertThat(b.lock(DAY2, LockMode.EXCLUSIVE).acquire(Duration.ZERO)).as("a sibling partition").isPresent()
                    .get().satisfies(LockLease::release);
        }
        try (LockLease reader = a.lock(ORDERS, LockMode.SHARED).acquire(Duration.ofSeconds(5)).orElseThrow()) {
            assertThat(b.lock(DAY1, LockMode.EXCLUSIVE).acquire(Duration.ZERO))
                    .as("as in Hive, a table reader does not block a partition writer").isPresent()
                    .get().satisfies(LockLease::release);
        }
    }

    @Test
    void requestsAreServedFirstComeFirstServed() throws Exception {
        HiveLocks holder = new HiveLocks(zk.open());
        ToolkitClient observer = zk.open();
        List<String> granted = new CopyOnWriteArrayList<>();
        LockLease reading = holder.lock(ORDERS, LockMode.SHARED).acquire(Duration.ofSeconds(5)).orElseThrow();

        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        waiting.add(waitFor(new HiveLocks(zk.open()), ORDERS, LockMode.EXCLUSIVE, "table writer", granted));
        awaitQueue(observer, "sales", 2);
        waiting.add(waitFor(new HiveLocks(zk.open()), DAY1, LockMode.SHARED, "partition reader", granted));
        awaitQueue(observer, "sales", 3);
        waiting.add(waitFor(new HiveLocks(zk.open()), CUSTOMERS, LockMode.EXCLUSIVE, "other table writer", granted));
        waiting.get(2).get(20, TimeUnit.SECONDS);
        Thread.sleep(300);
        assertThat(granted).as("the partition reader does not pass the waiting table writer; an unrelated table goes ahead")
                .containsExactly("other table writer");

        reading.release();
        CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(granted).containsExactly("other table writer", "table writer", "partition reader");
    }

    private CompletableFuture<Void> waitFor(HiveLocks locks, HiveObject object, LockMode mode, String who, List<String> granted) {
        return CompletableFuture.runAsync(() -> {
            LockLease lease = locks.lock(object, mode).acquire(Duration.ofSeconds(30)).orElseThrow();
            granted.add(who);
            sleep(100);
            lease.release();
        }, threads);
    }

    @Test
    void anExpiredWritersFencedWriteIsRejectedAndTheNextHolderHasAHigherToken() throws Exception {
        ToolkitClient writerClient = zk.open();
        ToolkitClient nextClient = zk.open();
        writerClient.curator().create().forPath("/watermark", "0".getBytes());
        LockLease writing = new HiveLocks(writerClient).lock(DAY1, LockMode.EXCLUSIVE).acquire(Duration.ofSeconds(5)).orElseThrow();
        assertThat(new HiveLocks(nextClient).lock(DAY1_HOUR7, LockMode.SHARED).acquire(Duration.ZERO)).isEmpty();

        zk.expireSession(writerClient);
        LockLease next = new HiveLocks(nextClient).lock(DAY1, LockMode.EXCLUSIVE).acquire(Duration.ofSeconds(30)).orElseThrow();
        assertThat(next.token()).isGreaterThan(writing.token());
        assertThatThrownBy(() -> writing.fencedSetData("/watermark", "stale".getBytes()))
                .isInstanceOf(LockLostException.class)
                .hasMessageContaining("exclusive Hive lock on sales.orders/ds=2024-01-01");
        assertThat(writing.state()).isEqualTo(FencedOwnership.State.LOST);
        assertThat(new String(nextClient.curator().getData().forPath("/watermark"))).isEqualTo("0");
        next.release();
        writing.release();
    }

    @Test
    void lockAllTakesEverythingOrNothingWithinOneDeadline() throws Exception {
        HiveLocks statement = new HiveLocks(zk.open());
        HiveLocks other = new HiveLocks(zk.open());
        ToolkitClient observer = zk.open();
        Map<HiveObject, LockMode> insertSelect = new LinkedHashMap<>();
        insertSelect.put(DAY1, LockMode.EXCLUSIVE);
        insertSelect.put(CUSTOMERS, LockMode.SHARED);
        insertSelect.put(OTHER_DB_ORDERS, LockMode.SHARED);
        insertSelect.put(HiveObject.parse("SALES.Customers"), LockMode.SEMI_SHARED);

        try (HiveLockSet set = statement.lockAll(insertSelect, Duration.ofSeconds(10)).orElseThrow()) {
            assertThat(set.tokens().keySet()).as("ordered, duplicates merged").containsExactly(OTHER_DB_ORDERS, CUSTOMERS, DAY1);
            assertThat(other.lock(CUSTOMERS, LockMode.SEMI_SHARED).acquire(Duration.ZERO)).as("the stronger mode was taken").isEmpty();
            set.checkHeld();
        }

        LockLease blocker = other.lock(DAY1, LockMode.SHARED).acquire(Duration.ofSeconds(5)).orElseThrow();
        assertThat(statement.lockAll(insertSelect, Duration.ofMillis(500))).isEmpty();
        assertThat(observer.curator().getChildren().forPath(HiveLocks.ROOT + "/sales")).as("only the blocker is left").hasSize(1);
        assertThat(observer.curator().getChildren().forPath(HiveLocks.ROOT + "/finance")).isEmpty();
        blocker.release();

        assertThatThrownBy(() -> statement.lockAll(Map.of(ORDERS, LockMode.EXCLUSIVE, DAY1, LockMode.SHARED), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exclusive lock on sales.orders")
                .hasMessageContaining("shared lock on sales.orders/ds=2024-01-01");
    }

    @Test
    void aThreadAskingForALockThatConflictsWithItsOwnIsRefusedAtOnce() {
        HiveLocks locks = new HiveLocks(zk.open());
        try (LockLease table = locks.lock(ORDERS, LockMode.EXCLUSIVE).acquire(Duration.ofSeconds(5)).orElseThrow()) {
            assertThatThrownBy(() -> locks.lock(DAY1, LockMode.SHARED).acquire(Duration.ofMinutes(5)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already holds the exclusive lock on /locks/hive/sales/orders")
                    .hasMessageContaining("shared Hive lock on sales.orders/ds=2024-01-01");
        }
        locks.lock(DAY1, LockMode.SHARED).acquire(Duration.ofSeconds(5)).orElseThrow().release();
    }

    @Test
    void theInspectorShowsEachHolderItsModeAndWhoWaits() throws Exception {
        HiveLocks reader = new HiveLocks(zk.open().curator(), new Holder("edge-1", 1, "report"));
        HiveLocks writer = new HiveLocks(zk.open().curator(), new Holder("edge-2", 2, "nightly-load"));
        LockInspector inspector = new LockInspector(zk.open());
        LockLease reading = reader.lock(DAY1, LockMode.SHARED).acquire(Duration.ofSeconds(5)).orElseThrow();
        CompletableFuture<Optional<LockLease>> waiting = CompletableFuture.supplyAsync(
                () -> writer.lock(ORDERS, LockMode.EXCLUSIVE).acquire(Duration.ofSeconds(2)), threads);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (inspector.locks().isEmpty() || inspector.locks().get(0).waiters().isEmpty()) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(10);
        }
        LockInspector.LockInfo info = inspector.locks().get(0);
        assertThat(info.path()).isEqualTo("/locks/hive/sales");
        assertThat(info.object()).isEqualTo("/orders/ds=2024-01-01");
        assertThat(info.mode()).isEqualTo(LockMode.SHARED);
        assertThat(info.token()).isEqualTo(reading.token());
        assertThat(info.holder().job()).isEqualTo("report");
        assertThat(info.waiters()).extracting(Holder::job).containsExactly("nightly-load");
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEmpty();
        reading.release();
    }

    @Test
    void badObjectNamesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> HiveObject.parse("")).hasMessageContaining("Empty Hive object");
        assertThatThrownBy(() -> HiveObject.parse("a.b.c")).hasMessageContaining("expected db, db.table or db.table/col=value");
        assertThatThrownBy(() -> HiveObject.parse("sales/ds=1")).hasMessageContaining("a partition needs a table");
        assertThatThrownBy(() -> HiveObject.parse("sales.orders/ds")).hasMessageContaining("Invalid partition 'ds'");
        assertThatThrownBy(() -> HiveObject.parse("sales.orders/ds=")).hasMessageContaining("has an empty value");
        assertThatThrownBy(() -> HiveObject.parse("sales-eu.orders")).hasMessageContaining("Invalid Hive database name 'sales-eu'");
        assertThatThrownBy(() -> HiveObject.table("sales", "../orders")).hasMessageContaining("Invalid Hive table name '../orders'");
        assertThatThrownBy(() -> HiveObject.parse("sales.orders/ds=1/DS=2")).hasMessageContaining("'ds' appears twice");

        HiveObject odd = HiveObject.partition("Sales", "Orders", Map.of("region", "eu/west=1%"));
        assertThat(odd.toString()).isEqualTo("sales.orders/region=eu%2Fwest%3D1%25");
        assertThat(HiveObject.parse(odd.toString())).isEqualTo(odd);
        assertThat(odd.partitionSpec()).containsEntry("region", "eu/west=1%");
    }

    @Test
    void oddPartitionValuesLockExactlyTheirOwnPartition() {
        HiveLocks a = new HiveLocks(zk.open());
        HiveLocks b = new HiveLocks(zk.open());
        HiveObject slashy = HiveObject.partition("sales", "orders", Map.of("ds", "2024/01"));
        HiveObject nested = HiveObject.parse("sales.orders/ds=2024/01=x");
        try (LockLease lease = a.lock(slashy, LockMode.EXCLUSIVE).acquire(Duration.ofSeconds(5)).orElseThrow()) {
            assertThat(b.lock(slashy, LockMode.SHARED).acquire(Duration.ZERO)).isEmpty();
            assertThat(b.lock(nested, LockMode.EXCLUSIVE).acquire(Duration.ZERO)).as("ds=2024 / 01=x is another partition")
                    .isPresent().get().satisfies(LockLease::release);
        }
    }

    private static void awaitQueue(ToolkitClient client, String database, int length) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (client.curator().checkExists().forPath(HiveLocks.ROOT + "/" + database) == null
                || client.curator().getChildren().forPath(HiveLocks.ROOT + "/" + database).size() < length) {
            assertThat(System.nanoTime()).as("queue reaches " + length).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
