package io.zktoolkit.locks.spark;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ZooKeeperUnavailableException;
import java.util.concurrent.TimeUnit;

/**
 * Fails fast when an open client has lost its ensemble. Without this, taking a lock on a client
 * whose ensemble is gone blocks in Curator's retry loop (minutes with the default policy) and
 * then fails without saying which ensemble; a driver start or a task should instead fail within
 * the connection timeout, naming the connect string.
 */
final class EnsembleReachability {
    private EnsembleReachability() {
    }

    /**
     * Returns once {@code zk} is connected, waiting up to {@code zk.connection.timeout}.
     *
     * @param who what needs ZooKeeper, for the message, for example "Spark job guard daily-orders"
     * @throws ZooKeeperUnavailableException naming the connect string
     */
    static void awaitConnected(ToolkitClient zk, String who) {
        if (zk.curator().getZookeeperClient().isConnected()) {
            return;
        }
        long timeoutMs = zk.settings().connectionTimeout().toMillis();
        boolean connected;
        try {
            connected = zk.curator().blockUntilConnected(Math.toIntExact(timeoutMs), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ZooKeeperUnavailableException(zk.connectString(), who + " was interrupted waiting for ZooKeeper at "
                    + zk.connectString(), e);
        }
        if (!connected) {
            throw new ZooKeeperUnavailableException(zk.connectString(), who + " cannot reach ZooKeeper at "
                    + zk.connectString() + ": the connection is down and did not come back within " + timeoutMs + " ms ("
                    + ToolkitKeys.CONNECTION_TIMEOUT.name() + ")", null);
        }
    }
}
