package io.zktoolkit.config.testing;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.it.harness.InJvmQuorum;
import io.zktoolkit.it.harness.SessionExpiry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** For tests of the modules above config: a real 3-server quorum and the clients a test opened on it, closed together. */
public final class QuorumClients implements AutoCloseable {
    private final InJvmQuorum quorum = InJvmQuorum.start(3);
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** A client with a 5 s session and quick retries, so loss and expiry show up fast. */
    public ToolkitClient open() {
        return open(Duration.ofSeconds(5));
    }

    /** A client with the given session timeout (the connection timeout at most that) and quick retries. */
    public ToolkitClient open(Duration sessionTimeout) {
        return closeLater(ToolkitClient.open(ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, quorum.connectString())
                .set(ToolkitKeys.SESSION_TIMEOUT, sessionTimeout)
                .set(ToolkitKeys.CONNECTION_TIMEOUT, sessionTimeout.compareTo(Duration.ofSeconds(5)) < 0 ? sessionTimeout : Duration.ofSeconds(5))
                .set(ToolkitKeys.RETRY_BASE_SLEEP, Duration.ofMillis(50))
                .set(ToolkitKeys.RETRY_MAX_SLEEP, Duration.ofMillis(500))
                .build()));
    }

    /** Closes {@code resource} with this fixture, before the clients opened earlier and the quorum. */
    public <T extends AutoCloseable> T closeLater(T resource) {
        opened.add(resource);
        return resource;
    }

    /** The quorum, to kill and restart servers. */
    public InJvmQuorum quorum() {
        return quorum;
    }

    /** The quorum's connect string. */
    public String connectString() {
        return quorum.connectString();
    }

    /** Ends {@code client}'s session on the servers, as a long pause or partition would. */
    public void expireSession(ToolkitClient client) throws Exception {
        SessionExpiry.expire(client.curator().getZookeeperClient().getZooKeeper(), quorum.connectString());
    }

    @Override
    public void close() {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                // Tests close what they can; a resource that fails to close must not keep the quorum up.
                System.err.println("Could not close " + opened.get(i) + ": " + e);
            }
        }
        try {
            quorum.close();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
