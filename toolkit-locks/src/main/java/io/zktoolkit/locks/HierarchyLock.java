package io.zktoolkit.locks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.PathUtils;

/**
 * Locks on the objects of a tree (a database, its tables, their partitions), each shared,
 * semi-shared or exclusive, served first come first served from one queue of sequential nodes at
 * {@link #path()}. An object is a list of segments below the root: none for the root,
 * {@code [orders]}, {@code [orders, ds=2024-01-01]}.
 *
 * <p>Conflicts follow Hive's lock manager (a lock on an object implies a shared lock on each of
 * its ancestors): an exclusive lock on an object conflicts with every lock on it or inside it; a
 * shared lock conflicts with exclusive locks on it or on anything containing it; semi-shared
 * locks exclude each other on the same object. Waiting is driven by watches, never by polling:
 * a request watches the nearest earlier request it conflicts with.
 *
 * <p>Every acquisition returns a {@link LockLease} with its fencing token and fenced writes.
 * A thread that asks for a lock conflicting with one it already holds here gets an error at
 * once instead of waiting for itself.
 */
public final class HierarchyLock {
    private final CuratorFramework curator;
    private final String path;
    private final Holder holder;
    private final ThreadLocal<List<LockRequest>> heldByThread = ThreadLocal.withInitial(ArrayList::new);

    /** A lock tree whose queue is at {@code path}, with {@code holder} written into each request node. */
    public HierarchyLock(CuratorFramework curator, String path, Holder holder) {
        this.curator = Objects.requireNonNull(curator, "curator");
        this.path = validPath(path);
        this.holder = Objects.requireNonNull(holder, "holder");
    }

    /** The queue's path. */
    /**
     * ZooKeeper's own check, with control characters in the path shown as escapes: its message
     * echoes the raw path, and a NUL or escape sequence would garble the log line or terminal.
     */
    private static String validPath(String path) {
        try {
            return PathUtils.validatePath(path);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid hierarchy lock path '" + printable(String.valueOf(path)) + "': "
                    + printable(e.getMessage()) + "; expected an absolute znode path such as /locks/warehouse", e);
        }
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    public String path() {
        return path;
    }

    /**
     * The lock on {@code object} in {@code mode}, described in messages as {@code description}.
     *
     * @throws IllegalArgumentException when a segment is empty or contains {@code /}
     */
    public FencedLock lock(List<String> object, LockMode mode, String description) {
        LockRequest entry = new LockRequest(object, mode);
        return new TrackedLock(entry, new QueuedLock(curator, path, description, new SharedExclusiveDriver(entry), holder));
    }

    /** The lock on {@code object} in {@code mode}, described by mode and path. */
    public FencedLock lock(List<String> object, LockMode mode) {
        return lock(object, mode, describe(new LockRequest(object, mode)));
    }

    private String describe(LockRequest request) {
        return request.mode().label() + " lock on " + path + (request.object().isEmpty() ? "" : request.objectPath());
    }

    /** Refuses a request the calling thread would wait on forever, and remembers what the thread holds. */
    private final class TrackedLock implements FencedLock {
        private final LockRequest entry;
        private final QueuedLock lock;

        TrackedLock(LockRequest entry, QueuedLock lock) {
            this.entry = entry;
            this.lock = lock;
        }

        @Override
        public String path() {
            return lock.path();
        }

        @Override
        public Optional<LockLease> acquire(Duration timeout) {
            List<LockRequest> held = heldByThread.get();
            for (LockRequest mine : held) {
                if (mine.conflictsWith(entry)) {
                    throw new IllegalStateException("This thread already holds the " + describe(mine)
                            + ", which conflicts with the " + lock.description()
                            + "; waiting would never end. Release it first, or ask for the outer lock only");
                }
            }
            Optional<LockLease> lease = lock.acquire(timeout);
            lease.ifPresent(l -> {
                held.add(entry);
                l.afterRelease(() -> held.remove(entry));
            });
            return lease;
        }
    }
}
