package io.zktoolkit.sync.state;

import io.zktoolkit.sync.CorruptSyncDataException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.listen.StandardListenerManager;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The board's cached view: one {@link CuratorCache} over the whole board, folded into an index of
 * jobs and tasks, and the changes handed to listeners. The index keeps, per job and task, the
 * last status delivered, so a watcher never sees a sequence go down (a cache rebuilt after a
 * reconnect replays creates) and is told every transition since its last look.
 */
final class BoardView implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BoardView.class);

    private static final class Entry {
        volatile RunStatus job;
        final ConcurrentMap<String, RunStatus> tasks = new ConcurrentHashMap<>();
        volatile boolean alive;

        JobSnapshot snapshot() {
            return new JobSnapshot(job, tasks, alive);
        }
    }

    private final CuratorFramework curator;
    private final String root;
    private final CuratorCache cache;
    private final ConcurrentMap<String, Entry> index = new ConcurrentHashMap<>();
    private final StandardListenerManager<JobListener> listeners = StandardListenerManager.standard();
    private final CountDownLatch initialized = new CountDownLatch(1);

    BoardView(CuratorFramework curator, String root) {
        this.curator = curator;
        this.root = root;
        this.cache = CuratorCache.build(curator, root);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, node) -> onData(node))
                .forDeletes(this::onDelete)
                .forInitialized(initialized::countDown)
                .build());
    }

    boolean start(Duration timeout) throws InterruptedException {
        cache.start();
        return initialized.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    StandardListenerManager<JobListener> listeners() {
        return listeners;
    }

    Optional<JobSnapshot> job(String jobId) {
        Entry e = index.get(jobId);
        return e == null || e.job == null ? Optional.empty() : Optional.of(e.snapshot());
    }

    List<JobSnapshot> jobs() {
        List<JobSnapshot> all = new ArrayList<>();
        index.values().forEach(e -> {
            if (e.job != null) {
                all.add(e.snapshot());
            }
        });
        return all;
    }

    /**
     * Reads the job's task znodes directly and folds them in. The cache reads a new znode only
     * after listing its parent, so task entries written in the same transaction as the job's end
     * can reach the view after it; this session's reads see at least what it has seen, so once
     * these return the view holds every task status written before the end it saw.
     *
     * @return false when not every read returned by the deadline (the cache still catches up)
     */
    boolean catchUp(String jobId, Duration timeout) throws InterruptedException {
        String tasks = ZKPaths.makePath(root, jobId, JobBoard.TASKS);
        try {
            List<String> children = curator.getChildren().forPath(tasks);
            CountDownLatch read = new CountDownLatch(children.size());
            for (String child : children) {
                curator.getData().inBackground((client, event) -> {
                    if (event.getResultCode() == KeeperException.Code.OK.intValue()) {
                        onData(new ChildData(event.getPath(), event.getStat(), event.getData()));
                    }
                    read.countDown();
                }).forPath(ZKPaths.makePath(tasks, child));
            }
            return read.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (KeeperException.NoNodeException e) {
            return true;   // no task was ever written
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            LOG.debug("Job board: could not read the tasks of {} directly ({}); the view catches up by itself", jobId, e.toString());
            return false;
        }
    }

    /** Synchronized: the cache's thread and {@link #catchUp} may deliver the same znode at once. */
    private synchronized void onData(ChildData node) {
        String[] parts = relative(node.getPath());
        if (parts == null) {
            return;
        }
        String jobId = parts[0];
        if (parts.length == 2 && parts[1].equals(JobBoard.PUBLISHER)) {
            index.computeIfAbsent(jobId, id -> new Entry()).alive = true;
            return;
        }
        boolean isJob = parts.length == 1;
        boolean isTask = parts.length == 3 && parts[1].equals(JobBoard.TASKS);
        if (!isJob && !isTask) {
            return;
        }
        RunStatus current;
        try {
            current = StatusFormat.decode(node.getPath(), node.getData());
        } catch (CorruptSyncDataException e) {
            LOG.warn("Job board: skipping {}", e.getMessage());
            return;
        }
        Entry entry = index.computeIfAbsent(jobId, id -> new Entry());
        RunStatus previous = isJob ? entry.job : entry.tasks.get(parts[2]);
        if (previous != null && current.sequence() <= previous.sequence()) {
            return;
        }
        if (isJob) {
            entry.job = current;
        } else {
            entry.tasks.put(parts[2], current);
        }
        int seen = previous == null ? 0 : previous.lastOrdinal();
        List<Transition> entered = current.transitions().stream().filter(t -> t.ordinal() > seen).toList();
        boolean missed = !entered.isEmpty() ? entered.get(0).ordinal() > seen + 1 : current.lastOrdinal() > seen;
        JobChange change = new JobChange(jobId, isTask ? parts[2] : null, previous, current, entered, missed);
        listeners.forEach(l -> l.changed(change));
    }

    private void onDelete(ChildData node) {
        String[] parts = relative(node.getPath());
        if (parts == null) {
            return;
        }
        String jobId = parts[0];
        if (parts.length == 1) {
            if (index.remove(jobId) != null) {
                listeners.forEach(l -> l.removed(jobId));
            }
        } else if (parts.length == 2 && parts[1].equals(JobBoard.PUBLISHER)) {
            confirmPublisherGone(jobId, node.getPath());
        } else if (parts.length == 3 && parts[1].equals(JobBoard.TASKS)) {
            Entry entry = index.get(jobId);
            if (entry != null) {
                entry.tasks.remove(parts[2]);
            }
        }
    }

    /**
     * The cache reports a deletion as soon as the notice arrives, but a data change only after it
     * has read the new data, so a publisher's final status can reach the view after its marker's
     * deletion. This read is queued behind the cache's own reads (ZooKeeper answers a session in
     * order), so when it returns the view holds the final status, and a job that finished is never
     * called abandoned.
     */
    private void confirmPublisherGone(String jobId, String markerPath) {
        String jobPath = markerPath.substring(0, markerPath.lastIndexOf('/'));
        try {
            curator.getData().inBackground((client, event) -> {
                Entry entry = index.get(jobId);
                if (entry == null || cache.get(markerPath).isPresent()) {
                    return;   // removed meanwhile, or the publisher came back (a new session)
                }
                entry.alive = false;
                RunStatus last = entry.job;
                if (event.getResultCode() == 0 && last != null && !last.state().isFinished()) {
                    listeners.forEach(l -> l.abandoned(jobId, last));
                }
            }).forPath(jobPath);
        } catch (Exception e) {
            LOG.warn("Job board: could not check whether job {} was abandoned ({})", jobId, e.toString());
        }
    }

    /** The path's parts below the root, or null for the root itself. */
    private String[] relative(String path) {
        if (path.length() <= root.length()) {
            return null;
        }
        return path.substring(root.length() + 1).split("/");
    }

    @Override
    public void close() {
        cache.close();
        listeners.clear();
    }
}
