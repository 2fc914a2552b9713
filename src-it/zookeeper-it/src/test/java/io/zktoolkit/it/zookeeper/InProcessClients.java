package io.zktoolkit.it.zookeeper;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The soak's ZooKeeper clients inside the test JVM (config publisher and watchers, discovery
 * registrars and view), each with its own session, listed so that a fault can expire one of them.
 */
final class InProcessClients implements Closeable {
    /** Short enough that a frozen server's clients move away and dead sessions end quickly. */
    static final Duration SESSION = Duration.ofSeconds(5);

    /** One client and what it is for. */
    record Named(String name, ToolkitClient client) {
    }

    private final String connectString;
    private final List<Named> clients = new ArrayList<>();

    InProcessClients(String connectString) {
        this.connectString = connectString;
    }

    /** Opens a connected client; it is closed with this. */
    synchronized ToolkitClient open(String name) {
        ToolkitClient client = ToolkitClient.open(settings(connectString));
        clients.add(new Named(name, client));
        return client;
    }

    /** Settings of every in-process client: a 5 s session and retries that outlast a server's restart. */
    static ToolkitSettings settings(String connectString) {
        return ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, connectString)
                .set(ToolkitKeys.SESSION_TIMEOUT, SESSION)
                .set(ToolkitKeys.RETRY_BASE_SLEEP, Duration.ofMillis(100))
                .set(ToolkitKeys.RETRY_MAX_SLEEP, Duration.ofSeconds(1))
                .set(ToolkitKeys.RETRY_MAX_RETRIES, 29)
                .build();
    }

    synchronized List<Named> all() {
        return List.copyOf(clients);
    }

    String connectString() {
        return connectString;
    }

    @Override
    public synchronized void close() {
        clients.forEach(c -> c.client().close());
        clients.clear();
    }
}
