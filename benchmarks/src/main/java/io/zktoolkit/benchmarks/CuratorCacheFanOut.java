package io.zktoolkit.benchmarks;

import io.zktoolkit.config.ToolkitClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;

/**
 * Baseline fan-out: a Curator {@link CuratorCache} on a plain znode per listening session, whose
 * listener decodes the number it holds; the publisher does a plain {@code setData}.
 */
final class CuratorCacheFanOut extends FanOut {
    static final String PATH = "/bench/fan-out";

    private final CuratorFramework publisher;
    private final List<CuratorCache> caches = new ArrayList<>();
    private long version;

    private CuratorCacheFanOut(SessionFleet fleet) {
        super(fleet.listeners().size());
        publisher = fleet.publisher().curator();
    }

    /** Writes a first value, then starts every listener's cache and waits until each has loaded it. */
    static CuratorCacheFanOut open(SessionFleet fleet) throws Exception {
        CuratorCacheFanOut fanOut = new CuratorCacheFanOut(fleet);
        try {
            fanOut.publisher.create().orSetData().creatingParentsIfNeeded().forPath(PATH, bytes(0));
            List<ToolkitClient> listeners = fleet.listeners();
            // A cache still loading would report the first write as a creation, not a change, and miss it.
            CountDownLatch loaded = new CountDownLatch(listeners.size());
            for (int i = 0; i < listeners.size(); i++) {
                CuratorCache cache = CuratorCache.build(listeners.get(i).curator(), PATH,
                        CuratorCache.Options.SINGLE_NODE_CACHE);
                int listener = i;
                cache.listenable().addListener(CuratorCacheListener.builder()
                        .forChanges((before, after) -> fanOut.arrived(listener,
                                Long.parseLong(new String(after.getData(), StandardCharsets.UTF_8))))
                        .forInitialized(loaded::countDown)
                        .build());
                fanOut.caches.add(cache);
                cache.start();
            }
            if (!loaded.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(loaded.getCount() + " CuratorCaches did not load " + PATH);
            }
            return fanOut;
        } catch (Exception e) {
            fanOut.close();
            throw e;
        }
    }

    @Override
    long nextVersion() {
        return version + 1;
    }

    @Override
    void publishNext() throws Exception {
        publisher.setData().forPath(PATH, bytes(nextVersion()));
        version++;
    }

    @Override
    public void close() {
        caches.forEach(CuratorCache::close);
    }

    private static byte[] bytes(long version) {
        return Long.toString(version).getBytes(StandardCharsets.UTF_8);
    }
}
