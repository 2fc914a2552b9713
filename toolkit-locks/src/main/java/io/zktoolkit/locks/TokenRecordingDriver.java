package io.zktoolkit.locks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.StandardLockInternalsDriver;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;

/**
 * Curator's lock driver, remembering the creation zxid of each lock node it creates. That zxid is
 * the fencing token: ZooKeeper assigns it, it grows with every write in the ensemble and never
 * wraps, and a fair lock grants its nodes in creation order, so each acquisition's token is
 * higher than every earlier holder's. Recording it at creation costs no extra round trip.
 */
final class TokenRecordingDriver extends StandardLockInternalsDriver {
    private final Map<String, Long> tokens = new ConcurrentHashMap<>();

    @Override
    public String createsTheLock(CuratorFramework client, String path, byte[] lockNodeBytes) throws Exception {
        Stat stat = new Stat();
        String ourPath = client.create()
                .storingStatIn(stat)
                .creatingParentContainersIfNeeded()
                .withProtection()
                .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                .forPath(path, lockNodeBytes == null ? new byte[0] : lockNodeBytes);
        long czxid = stat.getCzxid();
        if (czxid == 0) {
            // Curator found our node again after a connection loss instead of creating it; ask for its stat.
            Stat found = client.checkExists().forPath(ourPath);
            czxid = found == null ? 0 : found.getCzxid();
        }
        tokens.put(ourPath, czxid);
        return ourPath;
    }

    /** The token of a node this driver created, or 0 if unknown. */
    long tokenOf(String nodePath) {
        return tokens.getOrDefault(nodePath, 0L);
    }

    void forget(String nodePath) {
        tokens.remove(nodePath);
    }
}
