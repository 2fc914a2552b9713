package io.zktoolkit.locks;

import io.zktoolkit.config.ToolkitClient;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;

/**
 * A fair read-write lock across processes: any number of readers, or one writer. Built the way
 * Curator builds its {@code InterProcessReadWriteLock} (two {@code InterProcessMutex}es over one
 * queue of sequential nodes, told apart by name), with a driver that records each node's
 * fencing token, so every acquisition returns a {@link LockLease} with fenced writes.
 *
 * <pre>{@code
 * FencedReadWriteLock lock = FencedReadWriteLock.named(zk, "datasets/customers");
 * try (LockLease lease = lock.writeLock().acquire(Duration.ofSeconds(30)).orElseThrow()) {
 *     lease.checkHeld();          // before each side effect
 * }
 * }</pre>
 *
 * <p>Requests are served in arrival order: a reader that arrives while a writer waits queues
 * behind the writer, so a steady stream of readers cannot starve writers. Unlike Curator's lock
 * a thread cannot take the read lock while it holds the write lock (no downgrade): it gets an
 * error at once rather than waiting for itself. Nodes carry the holder's identity for
 * {@link LockInspector}. It is the root-only case of a {@link HierarchyLock}.
 */
public final class FencedReadWriteLock {
    private final String path;
    private final FencedLock readLock;
    private final FencedLock writeLock;

    /** A read-write lock at {@code path} (absolute, inside the client's namespace), held as {@code holder}. */
    public FencedReadWriteLock(CuratorFramework curator, String path, Holder holder) {
        HierarchyLock queue = new HierarchyLock(curator, path, holder);
        this.path = queue.path();
        this.readLock = queue.lock(List.of(), LockMode.SHARED, "read lock " + path);
        this.writeLock = queue.lock(List.of(), LockMode.EXCLUSIVE, "write lock " + path);
    }

    /** A read-write lock at {@code path}, held as {@link Holder#current()}. */
    public FencedReadWriteLock(CuratorFramework curator, String path) {
        this(curator, path, Holder.current());
    }

    /** A read-write lock named {@code name} under {@value FencedMutex#ROOT}, for example {@code datasets/customers}. */
    public static FencedReadWriteLock named(ToolkitClient client, String name) {
        return new FencedReadWriteLock(client.curator(), FencedMutex.ROOT + "/" + name);
    }

    /** The lock's path. */
    public String path() {
        return path;
    }

    /** The shared side: held by any number of readers while no writer holds or waits ahead of them. */
    public FencedLock readLock() {
        return readLock;
    }

    /** The exclusive side: held by one writer while nobody else holds either side. */
    public FencedLock writeLock() {
        return writeLock;
    }
}
