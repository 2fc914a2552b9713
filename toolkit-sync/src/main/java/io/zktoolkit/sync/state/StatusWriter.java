package io.zktoolkit.sync.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import io.zktoolkit.config.ZnodeLimits;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one publisher's statuses in the background so a caller (a Spark listener bus, a task
 * loop) never waits on ZooKeeper. Updates to one znode coalesce: only the newest is written, and
 * a re-submitted znode moves to the back of the queue, so znodes are written in the order of
 * their last updates (a job's final status after its tasks' final statuses). Each batch is one
 * transaction, so a read never sees half of it; a cached view (the board's) reads each znode on
 * its own, though, and may show one of a batch a round trip before another. A batch cut by a connection loss is retried
 * whole: its data are complete statuses, so landing twice changes nothing, and a create that
 * already landed is turned into a set after a read-back.
 */
final class StatusWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);
    /** Statuses are a few hundred bytes; 200 keep a transaction well under ZooKeeper's 1 MB request limit. */
    static final int MAX_BATCH = 200;
    /** Large statuses (big attributes) cut a batch earlier: a transaction over jute.maxbuffer would never land. */
    private static final int MAX_BATCH_BYTES = ZnodeLimits.maxDataBytes();
    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);

    private record Pending(byte[] data, long index) {
        /** Encoded size plus room for the path and the operation's header in the transaction. */
        long size() {
            return data.length + 512L;
        }
    }

    private final CuratorFramework curator;
    private final String jobPath;
    private final LinkedHashMap<String, Pending> dirty = new LinkedHashMap<>();
    private final Set<String> existing = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private long submitted;
    private long writtenUpTo;
    private long batches;
    private boolean closing;
    private volatile Exception lastFailure;

    StatusWriter(CuratorFramework curator, String jobPath, String threadName) {
        this.curator = curator;
        this.jobPath = jobPath;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    void start(Set<String> alreadyCreated) {
        existing.addAll(alreadyCreated);
        thread.start();
    }

    synchronized void submit(String path, RunStatus status) {
        if (closing) {
            throw new IllegalStateException("the publisher of " + jobPath + " is closed");
        }
        dirty.remove(path);
        dirty.put(path, new Pending(StatusFormat.encode(status), ++submitted));
        notifyAll();
    }

    /** Waits until everything submitted before this call is written; false at the deadline. */
    synchronized boolean flush(Duration timeout) throws InterruptedException {
        long target = submitted;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (writtenUpTo < target) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !thread.isAlive()) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    synchronized int pending() {
        return dirty.size();
    }

    synchronized long batchesWritten() {
        return batches;
    }

    Exception lastFailure() {
        return lastFailure;
    }

    /** Stops taking updates; the thread ends once the queue is written or {@link #abandon} is called. */
    @Override
    public void close() {
        synchronized (this) {
            closing = true;
            notifyAll();
        }
    }

    void abandon() {
        thread.interrupt();
    }

    private void run() {
        try {
            while (true) {
                List<Map.Entry<String, Pending>> batch = nextBatch();
                if (batch == null) {
                    return;
                }
                try {
                    commit(batch);
                    lastFailure = null;
                    markWritten(batch);
                } catch (KeeperException.NodeExistsException | KeeperException.NoNodeException e) {
                    requeue(batch, learnWhatExists(batch));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    lastFailure = e;
                    LOG.debug("Job state under {}: a batch of {} updates failed, retrying: {}", jobPath, batch.size(), e.toString());
                    requeue(batch, Set.of());
                    Thread.sleep(RETRY_PAUSE.toMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (this) {
                if (!dirty.isEmpty()) {
                    LOG.warn("Job state under {}: {} updates were not written before the publisher closed (last failure: {})",
                            jobPath, dirty.size(), lastFailure);
                }
                notifyAll();
            }
        }
    }

    private synchronized List<Map.Entry<String, Pending>> nextBatch() throws InterruptedException {
        while (dirty.isEmpty()) {
            if (closing) {
                return null;
            }
            wait();
        }
        List<Map.Entry<String, Pending>> batch = new ArrayList<>();
        Iterator<Map.Entry<String, Pending>> it = dirty.entrySet().iterator();
        long bytes = 0;
        while (it.hasNext() && batch.size() < MAX_BATCH) {
            Map.Entry<String, Pending> next = it.next();
            bytes += next.getValue().size();
            if (!batch.isEmpty() && bytes > MAX_BATCH_BYTES) {
                break;
            }
            batch.add(Map.entry(next.getKey(), next.getValue()));
            it.remove();
        }
        return batch;
    }

    private void commit(List<Map.Entry<String, Pending>> batch) throws Exception {
        List<CuratorOp> ops = new ArrayList<>(batch.size());
        for (Map.Entry<String, Pending> e : batch) {
            byte[] data = e.getValue().data();
            ops.add(existing.contains(e.getKey())
                    ? curator.transactionOp().setData().forPath(e.getKey(), data)
                    : curator.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(e.getKey(), data));
        }
        curator.transaction().forOperations(ops);
        batch.forEach(e -> existing.add(e.getKey()));
    }

    private synchronized void markWritten(List<Map.Entry<String, Pending>> batch) {
        batches++;
        writtenUpTo = dirty.isEmpty() ? submitted : dirty.values().iterator().next().index() - 1;
        notifyAll();
    }

    /** Puts a failed batch back in front, except znodes updated again meanwhile (the newer update wins). */
    private synchronized void requeue(List<Map.Entry<String, Pending>> batch, Set<String> dropped) {
        LinkedHashMap<String, Pending> merged = new LinkedHashMap<>();
        for (Map.Entry<String, Pending> e : batch) {
            if (!dirty.containsKey(e.getKey()) && !dropped.contains(e.getKey())) {
                merged.put(e.getKey(), e.getValue());
            }
        }
        merged.putAll(dirty);
        dirty.clear();
        dirty.putAll(merged);
        writtenUpTo = dirty.isEmpty() ? submitted : Math.max(writtenUpTo, dirty.values().iterator().next().index() - 1);
        notifyAll();
    }

    /**
     * After a create met an existing znode (an earlier try landed) or a set met a missing one:
     * read which exist. A znode whose parent is gone belongs to a job removed from the board; its
     * updates are dropped (returned), since recreating it would resurrect a deleted job piece by piece.
     */
    private Set<String> learnWhatExists(List<Map.Entry<String, Pending>> batch) throws InterruptedException {
        Set<String> dropped = new HashSet<>();
        for (Map.Entry<String, Pending> e : batch) {
            String path = e.getKey();
            try {
                if (curator.checkExists().forPath(path) != null) {
                    existing.add(path);
                } else {
                    existing.remove(path);
                    if (curator.checkExists().forPath(ZKPaths.getPathAndNode(path).getPath()) == null) {
                        dropped.add(path);
                    }
                }
            } catch (InterruptedException ie) {
                throw ie;
            } catch (Exception ex) {
                lastFailure = ex;
                break;
            }
        }
        if (!dropped.isEmpty()) {
            lastFailure = new JobStateException("Job state under " + jobPath + ": " + dropped.size()
                    + " updates dropped because their job was removed from the board (first: " + dropped.iterator().next() + ")");
            LOG.warn(lastFailure.getMessage());
        }
        return dropped;
    }
}
