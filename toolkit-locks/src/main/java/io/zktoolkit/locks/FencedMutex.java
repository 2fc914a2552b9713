package io.zktoolkit.locks;

import io.zktoolkit.config.ToolkitClient;
import java.time.Duration;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;

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
public final class FencedMutex implements FencedLock {
    /** Where named locks live, under the client's namespace. */
    public static final String ROOT = "/locks";

    private final QueuedLock lock;

    /** A mutex at {@code path} (absolute, inside the client's namespace), held as {@link Holder#current()}. */
    public FencedMutex(CuratorFramework curator, String path) {
        this(curator, path, Holder.current());
    }

    /** A mutex at {@code path}, whose lock nodes name {@code holder} for {@link LockInspector}. */
    public FencedMutex(CuratorFramework curator, String path, Holder holder) {
        this.lock = new QueuedLock(curator, path, "lock " + path, new TokenRecordingDriver(), holder);
    }

    /** A mutex named {@code name} under {@value #ROOT}, for example {@code tables/orders}. */
    public static FencedMutex named(ToolkitClient client, String name) {
        return new FencedMutex(client.curator(), ROOT + "/" + name);
    }

    @Override
    public String path() {
        return lock.path();
    }

    @Override
    public Optional<LockLease> acquire(Duration timeout) {
        return lock.acquire(timeout);
    }
}
