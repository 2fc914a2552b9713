package io.zktoolkit.recovery.assignment;

import io.zktoolkit.recovery.FleetLayout;
import io.zktoolkit.sync.CorruptSyncDataException;
import java.io.Closeable;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cached view of a fleet's tasks and completions, read without a ZooKeeper round trip and
 * kept current by watches. Listeners hear of every change on Curator's cache thread.
 */
final class AssignmentView implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(AssignmentView.class);

    private final FleetLayout layout;
    private final CuratorCache cache;
    private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();

    AssignmentView(CuratorFramework curator, FleetLayout layout) {
        this.layout = layout;
        this.cache = CuratorCache.build(curator, layout.base());
    }

    void addListener(Runnable onChange) {
        listeners.add(onChange);
    }

    /** Starts the cache and waits up to 30 s for its first full read. */
    void start() {
        CountDownLatch primed = new CountDownLatch(1);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, before, after) -> {
                    ChildData data = after != null ? after : before;
                    if (data != null && (isUnder(data.getPath(), layout.tasks()) || isUnder(data.getPath(), layout.done()))) {
                        changed();
                    }
                })
                .forInitialized(() -> {
                    primed.countDown();
                    changed();
                })
                .build());
        cache.start();
        try {
            if (!primed.await(30, TimeUnit.SECONDS)) {
                LOG.warn("The view of {} is not complete after 30 s; carrying on", layout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every task's assignment, by task name. Unreadable task nodes are left out and logged. */
    Map<String, Assignment> assignments() {
        Map<String, Assignment> out = new TreeMap<>();
        cache.stream().filter(d -> isUnder(d.getPath(), layout.tasks())).forEach(d -> {
            String task = ZKPaths.getNodeFromPath(d.getPath());
            try {
                out.put(task, Assignment.decode(d.getPath(), task, d.getData(), d.getStat().getVersion()));
            } catch (CorruptSyncDataException e) {
                LOG.warn("Skipping task node: {}", e.getMessage());
            }
        });
        return out;
    }

    /** Every completion, by task name. */
    Map<String, Completion> completions() {
        Map<String, Completion> out = new TreeMap<>();
        cache.stream().filter(d -> isUnder(d.getPath(), layout.done())).forEach(d -> {
            String task = ZKPaths.getNodeFromPath(d.getPath());
            try {
                out.put(task, Completion.decode(d.getPath(), task, d.getData()));
            } catch (CorruptSyncDataException e) {
                LOG.warn("Skipping completion node: {}", e.getMessage());
            }
        });
        return out;
    }

    private void changed() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.error("Assignment view listener failed: {}", e.toString());
            }
        }
    }

    private static boolean isUnder(String path, String parent) {
        return path.startsWith(parent + "/") && path.indexOf('/', parent.length() + 1) < 0;
    }

    @Override
    public void close() {
        cache.close();
    }
}
