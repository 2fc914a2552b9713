package io.zktoolkit.it.harness;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;

/**
 * Reads a node with everything another client wrote before it. ZooKeeper answers a read from the
 * server the client is connected to, which may lag the leader, so a test that checks another
 * client's write must sync first. Curator's {@code sync()} always runs in the background, even
 * when called without {@code inBackground()}, so this waits for its callback.
 */
public final class SyncedRead {
    private SyncedRead() {
    }

    /** The node's data after a completed sync. */
    public static byte[] of(CuratorFramework curator, String path) throws Exception {
        sync(curator, path);
        return curator.getData().forPath(path);
    }

    /**
     * Waits until the client's server has caught up with the leader as of now, so that the reads
     * that follow on this client (of {@code path}, its children, or any other node) see every write
     * committed before the call.
     */
    public static void sync(CuratorFramework curator, String path) throws Exception {
        CountDownLatch synced = new CountDownLatch(1);
        curator.sync().inBackground((client, event) -> synced.countDown()).forPath(path);
        if (!synced.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("sync of " + path + " did not complete within 30 s");
        }
    }
}
