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
    private final List<ToolkitClient> clients = new ArrayList<>();

    /** A client with a 5 s session and quick retries, so loss and expiry show up fast. */
    public ToolkitClient open() {
        ToolkitClient client = ToolkitClient.open(ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, quorum.connectString())
                .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofSeconds(5))
                .set(ToolkitKeys.CONNECTION_TIMEOUT, Duration.ofSeconds(5))
                .set(ToolkitKeys.RETRY_BASE_SLEEP, Duration.ofMillis(50))
                .set(ToolkitKeys.RETRY_MAX_SLEEP, Duration.ofMillis(500))
                .build());
        clients.add(client);
        return client;
    }

    /** Ends {@code client}'s session on the servers, as a long pause or partition would. */
    public void expireSession(ToolkitClient client) throws Exception {
        SessionExpiry.expire(client.curator().getZookeeperClient().getZooKeeper(), quorum.connectString());
    }

    @Override
    public void close() {
        clients.forEach(ToolkitClient::close);
        try {
            quorum.close();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
