package io.zktoolkit.locks;

import io.zktoolkit.config.ToolkitClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.utils.PathUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fair, cross-process mutex (Curator's {@code InterProcessMutex}) whose every acquisition
 * returns a {@link LockLease} carrying a fencing token.
 *
 * <pre>{@code
 * FencedMutex mutex = FencedMutex.named(zk, "tables/orders");
 * try (LockLease lease = mutex.acquire(Duration.ofSeconds(30)).orElseThrow()) {
 *     lease.fencedSetData("/state/orders", bytes);   // rejected if the lock was lost meanwhile
 * }
 * }</pre>
 *
 * <p>A wait that times out leaves no node behind. A release that fails because the connection is
 * down clears the local state at once and leaves Curator deleting the node in the background
 * until it succeeds, so the lock stays usable for this process and others (the failure mode of
 * CURATOR-678).
 */
public final class FencedMutex {
    /** Where named locks live, under the client's namespace. */
    public static final String ROOT = "/locks";
    private static final Logger LOG = LoggerFactory.getLogger(FencedMutex.class);

    private final CuratorFramework curator;
    private final String path;
    private final TokenRecordingDriver driver = new TokenRecordingDriver();
    private final Mutex mutex;

    /** A mutex at {@code path} (absolute, inside the client's namespace), held as {@link Holder#current()}. */
    public FencedMutex(CuratorFramework curator, String path) {
        this(curator, path, Holder.current());
    }

    /** A mutex at {@code path}, whose lock nodes name {@code holder} for {@link LockInspector}. */
    public FencedMutex(CuratorFramework curator, String path, Holder holder) {
        this.curator = Objects.requireNonNull(curator, "curator");
        this.path = PathUtils.validatePath(path);
        this.mutex = new Mutex(curator, path, driver, holder.encode());
    }

    /** A mutex named {@code name} under {@value #ROOT}, for example {@code tables/orders}. */
    public static FencedMutex named(ToolkitClient client, String name) {
        return new FencedMutex(client.curator(), ROOT + "/" + name);
    }

    /** The lock's path. */
    public String path() {
        return path;
    }

    /**
     * Waits up to {@code timeout} for the lock.
     *
     * @return the lease, or empty when the wait timed out (no node is left behind)
     * @throws IllegalStateException when this thread already holds the lock
     */
    public Optional<LockLease> acquire(Duration timeout) {
        if (mutex.isOwnedByCurrentThread()) {
            throw new IllegalStateException("Lock " + path + " is already held by this thread; release it first");
        }
        boolean acquired;
        try {
            acquired = mutex.acquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockLostException("Interrupted while waiting for lock " + path, e);
        } catch (Exception e) {
            throw new LockLostException("Could not acquire lock " + path + ": " + e, e);
        }
        if (!acquired) {
            return Optional.empty();
        }
        String node = mutex.ownNode();
        try {
            return Optional.of(new LockLease(this, node, driver.tokenOf(curator, node)));
        } catch (LockLostException e) {
            releaseQuietly();
            throw e;
        } catch (Exception e) {
            releaseQuietly();
            throw new LockLostException("Could not read the token of lock " + path + ": " + e, e);
        }
    }

    /** Waits as long as it takes. */
    public LockLease acquire() {
        return acquire(Duration.ofNanos(Long.MAX_VALUE)).orElseThrow();
    }

    CuratorFramework curator() {
        return curator;
    }

    void release(LockLease lease) {
        try {
            mutex.release();
        } catch (IllegalMonitorStateException e) {
            throw new IllegalStateException("Lock " + path + " must be released by the thread that acquired it", e);
        } catch (Exception e) {
            // Curator has cleared its thread state; make sure the node goes, whenever the connection returns.
            LOG.warn("Releasing lock {} failed ({}); deleting its node in the background", path, e.toString());
            try {
                curator.delete().guaranteed().inBackground().forPath(lease.nodePath());
            } catch (Exception again) {
                LOG.error("Could not schedule the deletion of lock node {}: {}", lease.nodePath(), again.toString());
            }
        }
    }

    private void releaseQuietly() {
        try {
            mutex.release();
        } catch (Exception e) {
            LOG.warn("Could not release lock {} after a failed acquisition: {}", path, e.toString());
        }
    }

    /** Exposes the node of the current thread's acquisition, and writes the holder into each lock node. */
    private static final class Mutex extends InterProcessMutex {
        private final byte[] holder;

        Mutex(CuratorFramework client, String path, TokenRecordingDriver driver, byte[] holder) {
            super(client, path, driver);
            this.holder = holder;
        }

        String ownNode() {
            return getLockPath();
        }

        @Override
        protected byte[] getLockNodeBytes() {
            return holder;
        }
    }
}
