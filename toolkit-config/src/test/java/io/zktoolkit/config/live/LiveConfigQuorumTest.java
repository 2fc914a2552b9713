package io.zktoolkit.config.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.it.harness.InJvmQuorum;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Live configuration against a real 3-server ensemble, with servers dying under it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LiveConfigQuorumTest {
    private InJvmQuorum quorum;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void startQuorum() {
        quorum = InJvmQuorum.start(3);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        quorum.close();
    }

    private ToolkitClient client() {
        return client(quorum.connectString());
    }

    private ToolkitClient client(String connectString) {
        ToolkitClient c = ToolkitClient.open(ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, connectString)
                .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofSeconds(10))
                .set(ToolkitKeys.CONNECTION_TIMEOUT, Duration.ofSeconds(5))
                .set(ToolkitKeys.RETRY_BASE_SLEEP, Duration.ofMillis(50))
                .set(ToolkitKeys.RETRY_MAX_SLEEP, Duration.ofMillis(500))
                .set(ToolkitKeys.RETRY_MAX_RETRIES, 29)
                .build());
        closeables.add(c);
        return c;
    }

    private LiveConfig watch(ConfigStore store, String set) {
        LiveConfig live = store.watch(set);
        closeables.add(live);
        return live;
    }

    /** Records what one watcher saw and checks that every snapshot it saw was whole. */
    private static final class Recorder implements ConfigListener {
        final List<Long> versions = new CopyOnWriteArrayList<>();
        final List<String> torn = new CopyOnWriteArrayList<>();
        final List<Long> coalesced = new CopyOnWriteArrayList<>();

        @Override
        public void configChanged(ConfigChange change) {
            versions.add(change.current().version());
            coalesced.addAll(change.missedVersions());
            checkWhole(change.current(), torn);
            assertThat(change.previous().version()).isEqualTo(change.current().version() - 1 - change.missedVersions().size());
        }
    }

    static void checkWhole(ConfigSnapshot s, List<String> torn) {
        String a = s.getString("a", "");
        if (!a.equals(s.getString("b", "")) || !a.equals(s.getString("c", ""))) {
            torn.add("v" + s.version() + " " + s.entries());
        }
    }

    @Test
    void everyWatcherSeesEveryVersionInOrderAndWholeWhileAServerDiesAndReturns() throws Exception {
        String set = "jobs/streaming";
        ConfigStore writer = ConfigStore.builder(client()).historySize(200).author("writer").build();
        ConfigSnapshot last = writer.publish(ConfigUpdate.on(writer.read(set)).set("a", "1").set("b", "1").set("c", "1"));

        List<Recorder> recorders = new ArrayList<>();
        List<LiveConfig> watchers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            LiveConfig live = watch(ConfigStore.builder(client()).build(), set);
            Recorder recorder = new Recorder();
            live.addListener(recorder);
            live.start();
            recorders.add(recorder);
            watchers.add(live);
        }
        // a reader polling the in-memory snapshot must never see half an update either
        List<String> tornReads = new CopyOnWriteArrayList<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        Thread reader = new Thread(() -> {
            while (reading.get()) {
                checkWhole(watchers.get(0).snapshot(), tornReads);
                reads.incrementAndGet();
            }
        });
        reader.start();

        int total = 80;
        for (int i = 2; i <= total; i++) {
            String v = Integer.toString(i);
            last = writer.publish(ConfigUpdate.on(last).set("a", v).set("b", v).set("c", v));
            if (i == 20) {
                quorum.kill(0);
            }
            if (i == 50) {
                quorum.restart(0);
            }
        }
        for (LiveConfig live : watchers) {
            ConfigStoreTest.awaitVersion(live, total);
        }
        reading.set(false);
        reader.join();

        List<Long> expected = LongStream.rangeClosed(2, total).boxed().toList();
        for (Recorder r : recorders) {
            assertThat(r.versions).as("versions one watcher saw").containsExactlyElementsOf(expected);
            assertThat(r.coalesced).isEmpty();
            assertThat(r.torn).isEmpty();
        }
        assertThat(tornReads).isEmpty();
        assertThat(reads.get()).isPositive();
        assertThat(watchers).allMatch(l -> l.snapshot().version() == total && !l.isStale());
    }

    @Test
    void aWatcherCutOffForAWhileGetsTheVersionsItMissedOneByOneAsFarAsHistoryReaches() throws Exception {
        String full = "jobs/catch-up";
        String short_ = "jobs/catch-up-short-history";
        ConfigStore writer = ConfigStore.builder(client(quorum.connectString(1) + "," + quorum.connectString(2)))
                .historySize(5).build();
        ConfigStore fullHistoryWriter = ConfigStore.builder(client(quorum.connectString(1) + "," + quorum.connectString(2)))
                .historySize(50).build();
        ConfigSnapshot lastFull = fullHistoryWriter.publish(ConfigUpdate.on(fullHistoryWriter.read(full)).set("a", "1"));
        ConfigSnapshot lastShort = writer.publish(ConfigUpdate.on(writer.read(short_)).set("a", "1"));

        // the watcher talks to server 0 only, so killing it cuts the watcher off while the others serve
        ConfigStore watcherStore = ConfigStore.builder(client(quorum.connectString(0))).build();
        LiveConfig fullWatch = watch(watcherStore, full);
        LiveConfig shortWatch = watch(watcherStore, short_);
        Recorder fullSeen = new Recorder();
        Recorder shortSeen = new Recorder();
        fullWatch.addListener(fullSeen);
        shortWatch.addListener(shortSeen);
        fullWatch.start();
        shortWatch.start();

        quorum.kill(0);
        for (int i = 2; i <= 11; i++) {
            lastFull = fullHistoryWriter.publish(ConfigUpdate.on(lastFull).set("a", Integer.toString(i)));
            lastShort = writer.publish(ConfigUpdate.on(lastShort).set("a", Integer.toString(i)));
        }
        quorum.restart(0);
        ConfigStoreTest.awaitVersion(fullWatch, 11);
        ConfigStoreTest.awaitVersion(shortWatch, 11);

        assertThat(fullSeen.versions).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
        assertThat(fullSeen.coalesced).isEmpty();
        // history keeps v7..v11: the step to v7 stands for the versions no longer kept
        assertThat(shortSeen.versions).containsExactly(7L, 8L, 9L, 10L, 11L);
        assertThat(shortSeen.coalesced).containsExactly(2L, 3L, 4L, 5L, 6L);
    }

    @Test
    void aFailingListenerStopsNeitherOtherListenersNorLaterVersions() throws Exception {
        String set = "jobs/listeners";
        ConfigStore store = ConfigStore.builder(client()).build();
        ConfigSnapshot last = store.publish(ConfigUpdate.on(store.read(set)).set("k", "0"));
        LiveConfig live = watch(store, set);
        List<Long> good = new CopyOnWriteArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        live.addListener(change -> {
            failures.incrementAndGet();
            throw new IllegalStateException("boom");
        });
        live.addListener(change -> good.add(change.current().version()));
        live.start();
        for (int i = 1; i <= 5; i++) {
            last = store.publish(ConfigUpdate.on(last).set("k", Integer.toString(i)));
        }
        ConfigStoreTest.awaitVersion(live, 6);
        Thread.sleep(100);
        assertThat(good).containsExactly(2L, 3L, 4L, 5L, 6L);
        assertThat(failures.get()).isEqualTo(5);
    }

    @Test
    void readsGoOnStaleWhileTheQuorumIsLostAndCatchUpAfter() throws Exception {
        String set = "jobs/stale";
        ToolkitClient watcherClient = client();
        ConfigStore store = ConfigStore.builder(watcherClient).build();
        ConfigSnapshot v1 = store.publish(ConfigUpdate.on(store.read(set)).set("k", "before"));
        LiveConfig live = watch(store, set);
        live.start();
        assertThat(live.isStale()).isFalse();

        quorum.kill(1);
        quorum.kill(2);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!live.isStale()) {
            assertThat(System.nanoTime()).as("watcher notices the lost quorum").isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(live.snapshot().getString("k", null)).isEqualTo("before");

        quorum.restart(1);
        quorum.restart(2);
        store.publish(ConfigUpdate.on(v1).set("k", "after"));
        ConfigStoreTest.awaitVersion(live, 2);
        while (live.isStale()) {
            assertThat(System.nanoTime()).as("stale flag clears").isLessThan(deadline + TimeUnit.SECONDS.toNanos(20));
            Thread.sleep(20);
        }
        assertThat(live.snapshot().getString("k", null)).isEqualTo("after");
    }
}
