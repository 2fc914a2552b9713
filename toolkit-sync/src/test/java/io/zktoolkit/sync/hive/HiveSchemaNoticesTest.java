package io.zktoolkit.sync.hive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.QuorumClients;
import io.zktoolkit.locks.hive.HiveObject;
import io.zktoolkit.sync.CorruptSyncDataException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Schema notices on a real 3-server ensemble, the metastore in memory (the real Thrift Server
 * case is src-it/hive-it's HiveStepsIT): publishers and caches on their own clients.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HiveSchemaNoticesTest {
    private static final HiveObject ORDERS = HiveObject.table("sales", "orders");
    private QuorumClients zk;
    private final InMemoryTables metastore = new InMemoryTables();

    @BeforeEach
    void start() {
        zk = new QuorumClients();
        metastore.create(ORDERS, "id bigint", "amount decimal(10,2)");
    }

    @AfterEach
    void stop() {
        metastore.open();
        zk.close();
    }

    private HiveSchemaCache cache(ToolkitClient client, ColumnReader reader) {
        HiveSchemaCache cache = zk.closeLater(HiveSchemaCache.builder(client, reader).build());
        cache.start();
        return cache;
    }

    private static final class Refreshes implements HiveSchemaListener {
        final List<TableSchema> after = new CopyOnWriteArrayList<>();
        final List<Long> failedVersions = new CopyOnWriteArrayList<>();

        @Override
        public void refreshed(TableSchema before, TableSchema now) {
            after.add(now);
        }

        @Override
        public void refreshFailed(HiveObject table, long version, SQLException cause) {
            failedVersions.add(version);
        }

        List<Long> versions() {
            return after.stream().map(TableSchema::version).toList();
        }
    }

    @Test
    void aCacheOnAnotherClientIsToldOfAnAlterAndRereadsTheNewColumns() throws Exception {
        HiveSchemaNotices notices = HiveSchemaNotices.on(zk.open());
        assertThat(notices.published(ORDERS, metastore).version()).as("first notice").isEqualTo(1);
        HiveSchemaCache cache = cache(zk.open(), metastore);
        Refreshes refreshes = new Refreshes();
        cache.addListener(refreshes);
        TableSchema first = cache.schema(ORDERS);
        assertThat(first.version()).isEqualTo(1);
        assertThat(first.columns()).extracting(HiveColumn::name).containsExactly("id", "amount");

        metastore.addColumn(ORDERS, "Channel", "STRING");
        SchemaNotice second = notices.published(ORDERS, metastore);

        waitUntil(() -> !refreshes.after.isEmpty());
        TableSchema now = cache.schema(ORDERS);
        assertThat(now.version()).isEqualTo(second.version()).isEqualTo(2);
        assertThat(now.columns()).containsExactly(new HiveColumn("id", "bigint"), new HiveColumn("amount", "decimal(10,2)"),
                new HiveColumn("channel", "string"));
        assertThat(now.digest()).isEqualTo(second.digest()).isNotEqualTo(first.digest());
        assertThat(cache.latestNotice(ORDERS)).contains(second);
        assertThat(notices.latest(ORDERS)).contains(second);
    }

    @Test
    void concurrentPublishersLoseNoVersionAndTheNewestNoticeDescribesTheNewestSchema() throws Exception {
        int publishers = 4;
        int ddls = 10;
        HiveSchemaCache cache = cache(zk.open(), metastore);
        Refreshes refreshes = new Refreshes();
        cache.addListener(refreshes);
        cache.schema(ORDERS);
        List<CompletableFuture<List<Long>>> runs = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            int publisher = p;
            HiveSchemaNotices notices = HiveSchemaNotices.on(zk.open());
            runs.add(CompletableFuture.supplyAsync(() -> {
                List<Long> versions = new ArrayList<>();
                for (int i = 0; i < ddls; i++) {
                    metastore.addColumn(ORDERS, "c_" + publisher + "_" + i, "int");
                    try {
                        versions.add(notices.published(ORDERS, metastore).version());
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }
                return versions;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (CompletableFuture<List<Long>> run : runs) {
            List<Long> mine = run.get(120, TimeUnit.SECONDS);
            assertThat(mine).as("one publisher's versions").isSorted().doesNotHaveDuplicates();
            all.addAll(mine);
        }
        // Any lost version, or one used twice, would show as a gap or a duplicate here.
        assertThat(all).hasSize(publishers * ddls).doesNotHaveDuplicates().allMatch(v -> v >= 1 && v <= publishers * ddls);

        SchemaNotice newest = HiveSchemaNotices.on(zk.open()).latest(ORDERS).orElseThrow();
        assertThat(newest.version()).isEqualTo(publishers * ddls);
        List<HiveColumn> finalColumns = metastore.current(ORDERS);
        assertThat(newest.digest()).as("the newest notice was read after every DDL").isEqualTo(TableSchema.digestOf(false, finalColumns));
        assertThat(newest.columns()).isEqualTo(2 + publishers * ddls);

        waitUntil(() -> cache.schema(ORDERS).version() == publishers * ddls);
        assertThat(cache.schema(ORDERS).columns()).isEqualTo(finalColumns);
        assertThat(refreshes.versions()).as("a cached version never goes down").isSorted().doesNotHaveDuplicates();
        System.out.printf("%d notices from %d publishers, the cache re-read %d times%n", all.size(), publishers,
                refreshes.after.size());
    }

    @Test
    void aCacheThatMissedVersionsWhileBusyEndsAtTheNewest() throws Exception {
        HiveSchemaNotices notices = HiveSchemaNotices.on(zk.open());
        HiveSchemaCache cache = cache(zk.open(), metastore);
        Refreshes refreshes = new Refreshes();
        cache.addListener(refreshes);
        cache.schema(ORDERS);

        metastore.close(); // the cache's re-read of version 1 hangs, as on a slow server
        InMemoryTables publisherView = new InMemoryTables();
        for (int v = 1; v <= 5; v++) {
            metastore.addColumn(ORDERS, "c" + v, "int");
            publisherView.create(ORDERS, metastore.current(ORDERS).stream().map(HiveColumn::toString).toArray(String[]::new));
            notices.published(ORDERS, publisherView);
        }
        waitUntil(() -> cache.latestNotice(ORDERS).map(SchemaNotice::version).orElse(0L) == 5);
        metastore.open();

        waitUntil(() -> cache.schema(ORDERS).version() == 5);
        assertThat(cache.schema(ORDERS).columns()).hasSize(7);
        assertThat(refreshes.versions()).as("versions 2-4 folded into the re-read of 5").endsWith(5L).hasSizeLessThan(5);
    }

    @Test
    void aCacheWhoseSessionExpiredCatchesUpWithTheNewestVersion() throws Exception {
        HiveSchemaNotices notices = HiveSchemaNotices.on(zk.open());
        ToolkitClient cacheClient = zk.open();
        HiveSchemaCache cache = cache(cacheClient, metastore);
        cache.schema(ORDERS);
        zk.expireSession(cacheClient);
        metastore.addColumn(ORDERS, "late", "string");
        notices.published(ORDERS, metastore);
        metastore.addColumn(ORDERS, "later", "string");
        notices.published(ORDERS, metastore);
        waitUntil(() -> cache.schema(ORDERS).version() == 2);
        assertThat(cache.schema(ORDERS).columns()).extracting(HiveColumn::name).endsWith("late", "later");
    }

    @Test
    void aDropIsPublishedAsDroppedAndTheCacheReportsTheTableGone() throws Exception {
        HiveSchemaNotices notices = HiveSchemaNotices.on(zk.open());
        HiveSchemaCache cache = cache(zk.open(), metastore);
        cache.schema(ORDERS);
        metastore.drop(ORDERS);
        SchemaNotice dropped = notices.published(ORDERS, metastore);
        assertThat(dropped.dropped()).isTrue();
        assertThat(dropped.columns()).isZero();
        waitUntil(() -> cache.schema(ORDERS).dropped());
        assertThat(cache.schema(ORDERS).columns()).isEmpty();
        assertThat(cache.schema(ORDERS).version()).isEqualTo(1);
    }

    @Test
    void aFailedRereadKeepsTheOldSchemaAndTheNextAskReadsAgain() throws Exception {
        HiveSchemaNotices notices = HiveSchemaNotices.on(zk.open());
        HiveSchemaCache cache = cache(zk.open(), metastore);
        Refreshes refreshes = new Refreshes();
        cache.addListener(refreshes);
        cache.schema(ORDERS);
        metastore.addColumn(ORDERS, "channel", "string");
        InMemoryTables publisherView = new InMemoryTables();
        publisherView.create(ORDERS, "id bigint", "amount decimal(10,2)", "channel string");
        metastore.failWith(new SQLException("Could not open client transport", "08S01"));
        notices.published(ORDERS, publisherView);

        waitUntil(() -> !refreshes.failedVersions.isEmpty());
        assertThat(refreshes.failedVersions).containsExactly(1L);
        assertThatThrownBy(() -> cache.schema(ORDERS)).isInstanceOf(SQLException.class).hasMessageContaining("transport");
        metastore.failWith(null);
        assertThat(cache.schema(ORDERS).columns()).hasSize(3);
        assertThat(cache.schema(ORDERS).version()).isEqualTo(1);
    }

    @Test
    void badInputIsRefusedAndNothingIsPublished() throws Exception {
        ToolkitClient client = zk.open();
        HiveSchemaNotices notices = HiveSchemaNotices.on(client);
        assertThatThrownBy(() -> notices.published(HiveObject.parse("sales.orders/ds=2024-01-01"), metastore))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partition").hasMessageContaining("db.table");
        assertThatThrownBy(() -> notices.published(HiveObject.database("sales"), metastore))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("database");

        metastore.failWith(new SQLException("Table or view not found", "42000"));
        assertThatThrownBy(() -> notices.published(ORDERS, metastore)).isInstanceOf(SQLException.class);
        assertThat(notices.latest(ORDERS)).as("nothing published when the columns could not be read").isEmpty();
        metastore.failWith(null);

        // A foreign znode is reported with its path and left as is; caches skip it and serve the rest.
        String foreign = notices.path(HiveObject.table("sales", "customers"));
        client.curator().create().creatingParentContainersIfNeeded().forPath(foreign, "v=3".getBytes(StandardCharsets.UTF_8));
        HiveSchemaCache cache = cache(zk.open(), metastore);
        assertThatThrownBy(() -> notices.published(HiveObject.table("sales", "customers"), metastore))
                .isInstanceOf(CorruptSyncDataException.class).hasMessageContaining(foreign);
        assertThat(client.curator().getData().forPath(foreign)).asString(StandardCharsets.UTF_8).isEqualTo("v=3");
        assertThat(cache.latestNotice(HiveObject.table("sales", "customers"))).isEmpty();
        notices.published(ORDERS, metastore);
        waitUntil(() -> cache.latestNotice(ORDERS).isPresent());
        assertThat(cache.schema(ORDERS).version()).isEqualTo(1);
    }

    private static void waitUntil(CheckedCondition condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(20);
        }
    }

    @FunctionalInterface
    private interface CheckedCondition {
        boolean holds() throws Exception;
    }
}
