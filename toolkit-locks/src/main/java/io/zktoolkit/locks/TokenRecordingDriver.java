package io.zktoolkit.locks;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.StandardLockInternalsDriver;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;

/**
 * Curator's lock driver, remembering the creation zxid of the lock node it creates. That zxid is
 * the fencing token: ZooKeeper assigns it, it grows with every write in the ensemble and never
 * wraps, and a fair lock grants its nodes in creation order, so each acquisition's token is
 * higher than every earlier holder's. Recording it at creation costs no extra round trip.
 *
 * <p>Curator creates the node on the acquiring thread, so the record is per thread: it is
 * overwritten by the next acquisition and never outlives a wait that timed out.
 */
class TokenRecordingDriver extends StandardLockInternalsDriver {
    private record Created(String path, long czxid) {
    }

    private final ThreadLocal<Created> lastCreated = new ThreadLocal<>();

    @Override
    public String createsTheLock(CuratorFramework client, String path, byte[] lockNodeBytes) throws Exception {
        Stat stat = new Stat();
        String ourPath = client.create()
                .storingStatIn(stat)
                .creatingParentContainersIfNeeded()
                .withProtection()
                .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                .forPath(nodePathFor(path), lockNodeBytes == null ? new byte[0] : lockNodeBytes);
        lastCreated.set(new Created(ourPath, stat.getCzxid()));
        return ourPath;
    }

    /** The path to create a lock node at, given Curator's {@code <lock>/lock-}; a driver may name nodes its own way. */
    String nodePathFor(String lockPath) {
        return lockPath;
    }

    /** The token of {@code nodePath}, which the calling thread has just acquired. */
    long tokenOf(CuratorFramework client, String nodePath) throws Exception {
        Created created = lastCreated.get();
        lastCreated.remove();
        if (created != null && created.path().equals(nodePath) && created.czxid() != 0) {
            return created.czxid();
        }
        // Curator found our node again after a connection loss instead of creating it: ask for its stat.
        Stat found = client.checkExists().forPath(nodePath);
        if (found == null) {
            throw new LockLostException("Lock node " + nodePath + " vanished right after it was acquired");
        }
        return found.getCzxid();
    }
}
