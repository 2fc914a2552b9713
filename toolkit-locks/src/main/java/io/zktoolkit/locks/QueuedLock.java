package io.zktoolkit.locks;

import io.zktoolkit.config.AccessDeniedException;
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
 * The one acquire and release path behind every {@link FencedLock}: Curator's lock loop with a
 * token-recording driver, holder data in each node, deadlines, and a release that survives a
 * connection loss.
 *
 * <p>A release that fails because the connection is down clears Curator's thread state at once
 * and leaves Curator deleting the node in the background until it succeeds, so the lock stays
 * usable for this process and others (the failure mode of CURATOR-678).
 */
final class QueuedLock implements FencedLock {
    private static final Logger LOG = LoggerFactory.getLogger(QueuedLock.class);

    private final CuratorFramework curator;
    private final String path;
    private final String description;
    private final TokenRecordingDriver driver;
    private final Mutex mutex;

    /**
     * @param description what the lock is, for messages: {@code lock /locks/orders}
     */
    QueuedLock(CuratorFramework curator, String path, String description, TokenRecordingDriver driver, Holder holder) {
        this.curator = Objects.requireNonNull(curator, "curator");
        this.path = PathUtils.validatePath(path);
        this.description = description;
        this.driver = driver;
        this.mutex = new Mutex(curator, path, driver, holder.encode());
    }

    @Override
    public String path() {
        return path;
    }

    String description() {
        return description;
    }

    CuratorFramework curator() {
        return curator;
    }

    @Override
    public Optional<LockLease> acquire(Duration timeout) {
        if (mutex.isOwnedByCurrentThread()) {
            throw new IllegalStateException(capitalized() + " is already held by this thread; release it first");
        }
        boolean acquired;
        try {
            acquired = mutex.acquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockLostException("Interrupted while waiting for " + description, e);
        } catch (Exception e) {
            AccessDeniedException.throwIfDenied(e, "acquire " + description);
            throw new LockLostException("Could not acquire " + description + ": " + e, e);
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
            throw new LockLostException("Could not read the token of " + description + ": " + e, e);
        }
    }

    void release(LockLease lease) {
        try {
            mutex.release();
        } catch (IllegalMonitorStateException e) {
            throw new IllegalStateException(capitalized() + " must be released by the thread that acquired it", e);
        } catch (Exception e) {
            LOG.warn("Releasing {} failed ({}); deleting its node in the background", description, e.toString());
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
            LOG.warn("Could not release {} after a failed acquisition: {}", description, e.toString());
        }
    }

    private String capitalized() {
        return Character.toUpperCase(description.charAt(0)) + description.substring(1);
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
