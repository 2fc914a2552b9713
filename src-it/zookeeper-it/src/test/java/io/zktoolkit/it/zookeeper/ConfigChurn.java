package io.zktoolkit.it.zookeeper;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.live.ConfigUpdate;
import io.zktoolkit.config.live.LiveConfig;
import io.zktoolkit.it.harness.SyncedRead;
import io.zktoolkit.it.zookeeper.SoakVerdict.Delivery;
import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The soak's configuration workload: one publisher puts a new version of a set every few hundred
 * milliseconds while {@code LiveConfig} watchers, each on its own session, follow it. Every change a
 * watcher's listener hears is recorded, so the verdict can check order and gaps as well as the end state.
 */
final class ConfigChurn implements Closeable {
    static final String SET = "soak/pipeline";
    private static final Duration PUBLISH_EVERY = Duration.ofMillis(250);

    /** One watcher, with every change its listener heard. */
    record Watcher(String name, LiveConfig config, List<Delivery> deliveries) {
    }

    private final ConfigStore publisherStore;
    private final ToolkitClient publisher;
    private final List<Watcher> watchers = new ArrayList<>();
    private final AtomicInteger published = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final Thread publishing;
    private volatile boolean stopping;

    ConfigChurn(InProcessClients clients, int watcherCount) {
        publisher = clients.open("config-publisher");
        publisherStore = ConfigStore.builder(publisher).author("soak").build();
        publisherStore.publish(ConfigUpdate.on(publisherStore.read(SET)).set("seq", "0").comment("soak start"));
        for (int i = 1; i <= watcherCount; i++) {
            String name = "config-watcher-" + i;
            LiveConfig config = ConfigStore.builder(clients.open(name)).build().watch(SET);
            List<Delivery> deliveries = new CopyOnWriteArrayList<>();
            config.addListener(change -> deliveries.add(new Delivery(change.previous().version(),
                    change.current().version(), change.missedVersions())));
            config.start();
            watchers.add(new Watcher(name, config, deliveries));
        }
        publishing = new Thread(this::publishUntilStopped, "soak-config-publisher");
        publishing.start();
    }

    private void publishUntilStopped() {
        long seq = 0;
        while (!stopping) {
            try {
                ConfigSnapshot base = publisherStore.read(SET);
                publisherStore.publish(ConfigUpdate.on(base).set("seq", Long.toString(++seq)).comment("soak"));
                published.incrementAndGet();
            } catch (RuntimeException e) {
                // Connection loss or a conflict with this publisher's own earlier attempt that committed:
                // the outcome is for the watchers to show, the next round reads the set afresh.
                failed.incrementAndGet();
            }
            try {
                Thread.sleep(PUBLISH_EVERY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops publishing and returns the final version, read after a sync. */
    ConfigSnapshot stopAndReadFinal() throws Exception {
        stopping = true;
        publishing.join();
        SyncedRead.sync(publisher.curator(), publisherStore.root());
        return publisherStore.read(SET);
    }

    /** Waits until every watcher's snapshot is {@code last}, or the timeout passes. */
    void awaitConverged(ConfigSnapshot last, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !watchers.stream().allMatch(w -> converged(w, last))) {
            Thread.sleep(100);
        }
    }

    private static boolean converged(Watcher w, ConfigSnapshot last) {
        List<Delivery> heard = w.deliveries();
        return w.config().snapshot().version() == last.version() && !w.config().isStale()
                && !heard.isEmpty() && heard.get(heard.size() - 1).current() == last.version();
    }

    List<Watcher> watchers() {
        return watchers;
    }

    /** Versions the publisher saw acknowledged. */
    int published() {
        return published.get();
    }

    /** Publishes that failed or whose outcome the publisher could not know. */
    int failed() {
        return failed.get();
    }

    @Override
    public void close() throws java.io.IOException {
        stopping = true;
        publishing.interrupt();
        try {
            publishing.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Watcher w : watchers) {
            w.config().close();
        }
    }
}
