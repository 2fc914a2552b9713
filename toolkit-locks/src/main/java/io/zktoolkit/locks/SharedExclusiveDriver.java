package io.zktoolkit.locks;

import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.PredicateResults;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;

/**
 * The lock driver of a shared-exclusive queue: names each node after its {@link LockRequest} ({@link QueueNodeName}) and
 * grants it once no earlier node in the queue conflicts with it.
 *
 * <p>Granting in queue order makes the lock fair: a reader that arrives after a waiting writer
 * waits behind it, so writers are never starved, while requests on unrelated objects pass each
 * other. A waiting participant watches only the nearest earlier conflicting node (Curator's lock
 * loop re-lists the queue when that node goes), so a release wakes the participants that
 * actually waited for it rather than the whole queue. A node this driver cannot read (made by
 * another tool) counts as an exclusive lock on everything, the safe reading.
 */
final class SharedExclusiveDriver extends TokenRecordingDriver {
    private final LockRequest entry;

    SharedExclusiveDriver(LockRequest entry) {
        this.entry = entry;
    }

    LockRequest entry() {
        return entry;
    }

    @Override
    String nodePathFor(String lockPath) {
        return ZKPaths.makePath(ZKPaths.getPathAndNode(lockPath).getPath(), QueueNodeName.prefix(entry));
    }

    @Override
    public PredicateResults getsTheLock(CuratorFramework client, List<String> children, String sequenceNodeName,
                                        int maxLeases) throws Exception {
        int ours = children.indexOf(sequenceNodeName);
        if (ours < 0) {
            throw new KeeperException.NoNodeException("Sequential path not found: " + sequenceNodeName);
        }
        String blocker = nearestConflict(children.subList(0, ours), entry);
        return new PredicateResults(blocker, blocker == null);
    }

    /** The last of {@code earlier} (queue order) that conflicts with {@code request}, or null. */
    static String nearestConflict(List<String> earlier, LockRequest request) {
        for (int i = earlier.size() - 1; i >= 0; i--) {
            Optional<LockRequest> other = QueueNodeName.parse(earlier.get(i));
            if (other.isEmpty() || other.get().conflictsWith(request)) {
                return earlier.get(i);
            }
        }
        return null;
    }

    @Override
    public String fixForSorting(String str, String lockName) {
        // Every node ends in lock-<sequence>, whatever its mode and object: sort on the sequence.
        return QueueNodeName.sequence(str, QueueNodeName.LOCK_MARK);
    }
}
