package io.zktoolkit.sync.shared;

import io.zktoolkit.config.AccessDeniedException;
import io.zktoolkit.sync.NodeNames;
import io.zktoolkit.sync.CorruptSyncDataException;
import io.zktoolkit.sync.EscapedFields;
import io.zktoolkit.sync.OutcomeUnknownException;
import io.zktoolkit.sync.SyncException;
import io.zktoolkit.sync.StoredText;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ZnodeLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * A string value shared between processes, changed only by compare-and-set, in the znode
 * {@code /values/<name>} (or any path given).
 *
 * <p><b>Why not Curator's {@code SharedValue} or {@code DistributedAtomicLong}.</b> Both send a
 * versioned {@code setData}, and Curator repeats that request when the connection drops before
 * the reply. When the first request had landed, the repeat fails the version check and the
 * recipe reports "someone else changed it": a compare-and-set that succeeded answers false, and
 * {@code DistributedAtomicLong} then applies the increment a second time. Here every write
 * carries a unique id and the znode keeps the ids of its last {@value #RECENT_OPERATIONS} writes,
 * so a writer that gets a version conflict reads back and recognises its own write. On a
 * connection failure it repeats the very same request (same expected version, same id), which
 * can land at most once. The result: {@code true} means landed exactly once, {@code false} means
 * not landed, and {@link OutcomeUnknownException} (only when ZooKeeper stays unreachable for the
 * whole {@linkplain #SharedValue(CuratorFramework, String, String, Duration) operation timeout})
 * means landed at most once.
 *
 * <p>Deleting the znode while it is in use is not supported: versions restart and recent ids are lost.
 */
public final class SharedValue {
    /** Where named values live, under the client's namespace. */
    public static final String ROOT = "/values";
    /** How many write ids the znode keeps. */
    static final int RECENT_OPERATIONS = 64;

    private static final String HEADER = "zktoolkit-shared-value\t1";
    private static final Duration RETRY_PAUSE = Duration.ofMillis(100);

    private final CuratorFramework curator;
    private final String path;
    private final String initialValue;
    private final Duration operationTimeout;

    /**
     * The value at {@code path}, reading as {@code initialValue} until first written.
     *
     * @param operationTimeout how long a write keeps trying to reach a definite outcome
     */
    public SharedValue(CuratorFramework curator, String path, String initialValue, Duration operationTimeout) {
        if (path == null || !path.startsWith("/") || !NodeNames.isNamePath(path.substring(1))) {
            throw new IllegalArgumentException("Invalid shared value path '" + ZnodeLimits.printable(path)
                    + "': expected '/' then " + NodeNames.NAME_PATH_RULE.substring(4) + ", for example /values/imports/owner");
        }
        this.curator = curator;
        this.path = path;
        this.initialValue = initialValue;
        this.operationTimeout = operationTimeout;
    }

    /** The value named {@code name} under {@value #ROOT}, for example {@code imports/orders-owner}; writes try for 30 s. */
    public static SharedValue named(ToolkitClient client, String name, String initialValue) {
        return new SharedValue(client.curator(), ROOT + "/" + name, initialValue, Duration.ofSeconds(30));
    }

    /** The znode, inside the client's namespace. */
    public String path() {
        return path;
    }

    /**
     * The current value and its version.
     *
     * @throws CorruptSyncDataException when the znode holds something this class did not write
     */
    public VersionedValue get() {
        Stat stat = new Stat();
        byte[] data;
        try {
            data = curator.getData().storingStatIn(stat).forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return new VersionedValue(initialValue, VersionedValue.NEVER_WRITTEN, List.of());
        } catch (Exception e) {
            AccessDeniedException.throwIfDenied(e, "read shared value " + path);
            throw new SyncException("Could not read shared value " + path + ": " + e, e);
        }
        return decode(data, stat.getVersion());
    }

    /**
     * Sets {@code newValue} if the value is still at {@code expected}'s version.
     *
     * @return true when it landed (exactly once); false when another write came first (not landed)
     * @throws OutcomeUnknownException when ZooKeeper stayed unreachable past the operation timeout;
     *     the write landed at most once
     */
    public boolean compareAndSet(VersionedValue expected, String newValue) {
        String operation = UUID.randomUUID().toString();
        List<String> recent = new ArrayList<>();
        recent.add(operation);
        recent.addAll(expected.recentOperations().subList(0, Math.min(expected.recentOperations().size(), RECENT_OPERATIONS - 1)));
        byte[] data = ZnodeLimits.requireFits("Shared value " + path, encode(newValue, recent));
        long deadline = System.nanoTime() + operationTimeout.toNanos();
        Exception lastFailure = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                if (expected.version() == VersionedValue.NEVER_WRITTEN) {
                    curator.create().creatingParentContainersIfNeeded().forPath(path, data);
                } else {
                    curator.setData().withVersion(expected.version()).forPath(path, data);
                }
                return true;
            } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException | KeeperException.NoNodeException e) {
                try {
                    return landed(expected, operation, get());
                } catch (SyncException readFailure) {
                    lastFailure = readFailure;
                }
            } catch (Exception e) {
                // A refusal is definite: retrying cannot help, and nothing landed.
                AccessDeniedException.throwIfDenied(e, "write shared value " + path);
                // Connection loss, session expiry, timeouts: the request may or may not have
                // landed. Sending it again is safe, as the version check lets at most one land.
                lastFailure = e;
            }
            pause();
        }
        throw new OutcomeUnknownException("Shared value " + path + ": could not learn within " + operationTimeout
                + " whether the write of '" + newValue + "' (operation " + operation + ", expected version "
                + expected.version() + ") landed; it landed at most once. Last failure: " + lastFailure, operation, lastFailure);
    }

    /** After a conflict: did our write land (repeated by a retry), or did another writer's? */
    private boolean landed(VersionedValue expected, String operation, VersionedValue now) {
        if (now.recentOperations().contains(operation)) {
            return true;
        }
        // Ours would have made version expected + 1; the ids of that many later writes are kept.
        long writesSinceOurs = (long) now.version() - expected.version() - 1;
        if (writesSinceOurs >= RECENT_OPERATIONS) {
            throw new OutcomeUnknownException("Shared value " + path + ": " + writesSinceOurs + " writes followed version "
                    + expected.version() + " before this writer could check whether its operation " + operation
                    + " landed; only the last " + RECENT_OPERATIONS + " are kept. It landed at most once", operation, null);
        }
        return false;
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncException("Interrupted while writing shared value " + path + "; the write landed at most once", e);
        }
    }

    private static byte[] encode(String value, List<String> recentOperations) {
        return (HEADER + "\n" + EscapedFields.join(List.of(value)) + "\n" + EscapedFields.join(recentOperations))
                .getBytes(StandardCharsets.UTF_8);
    }

    private VersionedValue decode(byte[] data, int version) {
        String[] lines = StoredText.decode(path, data).split("\n", -1);
        if (!lines[0].equals(HEADER) || lines.length != 3) {
            throw new CorruptSyncDataException(path, "expected the header '" + HEADER.replace('\t', ' ')
                    + "', a value line and an operations line, found '" + StoredText.abbreviate(lines[0]) + "' and "
                    + (lines.length - 1) + " more lines");
        }
        try {
            List<String> value = EscapedFields.split(lines[1]);
            if (value.size() != 1) {
                throw new IllegalArgumentException("a value line with " + value.size() + " fields");
            }
            return new VersionedValue(value.get(0), version, EscapedFields.split(lines[2]));
        } catch (IllegalArgumentException e) {
            throw new CorruptSyncDataException(path, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "SharedValue[" + path + "]";
    }
}
