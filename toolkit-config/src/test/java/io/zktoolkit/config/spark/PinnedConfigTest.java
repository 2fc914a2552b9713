package io.zktoolkit.config.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.live.ConfigSetName;
import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.live.ConfigUpdate;
import io.zktoolkit.config.live.ConfigValueException;
import io.zktoolkit.config.live.LiveConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pinned versions read as an executor would, against a real 3-server quorum embedded in this JVM. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PinnedConfigTest {
    private static final AtomicInteger SETS = new AtomicInteger();
    private static ToolkitClient operator;

    @BeforeAll
    static void connect() {
        operator = ToolkitClient.open(ToolkitSettings.builder().set(ToolkitKeys.EMBEDDED_SERVERS, 3).build());
    }

    @AfterAll
    static void close() {
        operator.close();
    }

    @BeforeEach
    void forget() {
        PinnedConfig.clearCache();
    }

    /** A client of its own, as an executor JVM has. */
    private static ToolkitClient executorClient() {
        return ToolkitClient.open(ToolkitSettings.builder().set(ToolkitKeys.CONNECT, operator.connectString()).build());
    }

    private static String newSet() {
        return "jobs/pinned-" + SETS.incrementAndGet();
    }

    @Test
    void aPinnedVersionReadsTheSameAfterNewerPublishesAndSurvivesSerialization() throws Exception {
        ConfigStore store = ConfigStore.builder(operator).root("/pinned-config").build();
        String set = newSet();
        ConfigSnapshot v1 = store.publish(ConfigUpdate.on(store.read(set)).set("job.multiplier", "2"));
        PinnedConfig pinned = roundTrip(PinnedConfig.of(v1, store.root()));
        store.publish(ConfigUpdate.on(store.read(set)).set("job.multiplier", "3"));

        try (ToolkitClient executor = executorClient()) {
            ConfigSnapshot read = pinned.read(executor);
            assertThat(read.version()).isEqualTo(1);
            assertThat(read.getInt("job.multiplier", 0)).isEqualTo(2);
            assertThat(store.read(set).getInt("job.multiplier", 0)).as("the latest, for contrast").isEqualTo(3);
        }
        assertThat(pinned).isEqualTo(PinnedConfig.of(v1, "/pinned-config")).hasToString(
                "configuration set " + set + " v1 (store /pinned-config)");
    }

    @Test
    void aVersionReadOnceIsServedFromMemoryWithoutZooKeeper() {
        ConfigStore store = ConfigStore.builder(operator).build();
        String set = newSet();
        PinnedConfig pinned = PinnedConfig.of(store.publish(ConfigUpdate.on(store.read(set)).set("k", "v")), store.root());
        ToolkitClient executor = executorClient();
        assertThat(pinned.read(executor).entries()).containsEntry("k", "v");
        executor.close();
        // A closed client cannot read: only the JVM's memory can answer now.
        assertThat(pinned.read(executor).entries()).containsEntry("k", "v");

        PinnedConfig.clearCache();
        assertThatThrownBy(() -> pinned.read(executor)).as("the same read without the cache needs ZooKeeper")
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void aVersionNoLongerKeptIsAnErrorNamingSetAndVersion() {
        ConfigStore store = ConfigStore.builder(operator).historySize(2).build();
        String set = newSet();
        PinnedConfig pinned = PinnedConfig.of(store.publish(ConfigUpdate.on(store.read(set)).set("k", "1")), store.root());
        for (int i = 2; i <= 3; i++) {
            store.publish(ConfigUpdate.on(store.read(set)).set("k", Integer.toString(i)));
        }
        try (ToolkitClient executor = executorClient()) {
            assertThatThrownBy(() -> pinned.read(executor)).isInstanceOf(ConfigValueException.class)
                    .hasMessageContaining("Version 1 of configuration set " + set + " is not kept")
                    .hasMessageContaining("the last 2");
        }
    }

    @Test
    void aSetNeverPublishedCannotBePinned() {
        assertThatThrownBy(() -> PinnedConfig.of(ConfigSnapshot.absent(ConfigSetName.of("jobs/nothing-yet")), "/config"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jobs/nothing-yet was never published");
    }

    @Test
    void liveBatchConfigPinsTheBatchsVersionInItsStore() {
        ConfigStore store = ConfigStore.builder(operator).root("/batch-config").build();
        String set = newSet();
        store.publish(ConfigUpdate.on(store.read(set)).set("k", "a"));
        try (LiveConfig live = store.watch(set)) {
            live.start();
            LiveBatchConfig batches = new LiveBatchConfig(live);
            PinnedConfig pinned = batches.pinForBatch(7);
            assertThat(pinned.version()).isEqualTo(1);
            assertThat(pinned.storeRoot()).isEqualTo("/batch-config");
            assertThat(pinned.set()).isEqualTo(set);
            assertThat(batches.versionUsedBy(7)).hasValue(1);
        }
    }

    private static PinnedConfig roundTrip(PinnedConfig pinned) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(pinned);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (PinnedConfig) in.readObject();
        }
    }
}
