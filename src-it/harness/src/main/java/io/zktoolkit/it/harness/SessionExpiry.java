package io.zktoolkit.it.harness;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * Ends a client's ZooKeeper session from the server side, as a pause longer than the session
 * timeout would, without pausing anything: a second connection joins the same session and closes
 * it, so the ensemble expires it and the first client learns so on its next contact.
 */
public final class SessionExpiry {
    private SessionExpiry() {
    }

    /**
     * Expires the session of {@code victim}.
     *
     * @param connectString where the victim's ensemble is
     */
    public static void expire(ZooKeeper victim, String connectString) throws IOException, InterruptedException {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper twin = new ZooKeeper(connectString, 5000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, victim.getSessionId(), victim.getSessionPasswd());
        try {
            if (!connected.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("Could not join session 0x" + Long.toHexString(victim.getSessionId())
                        + " at " + connectString + " to expire it");
            }
        } finally {
            twin.close();
        }
    }
}
