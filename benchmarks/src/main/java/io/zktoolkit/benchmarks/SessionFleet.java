package io.zktoolkit.benchmarks;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.embedded.EmbeddedEnsemble;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An embedded 3-server ensemble with one publishing client and many listening clients, each its
 * own ZooKeeper session as separate job processes would be. Notices then travel over separate
 * connections spread across the servers, not through one shared watch manager.
 */
final class SessionFleet implements Closeable {
    private static final int CLOSING_THREADS = 20;

    private final EmbeddedEnsemble ensemble;
    private final List<ToolkitClient> clients;

    private SessionFleet(EmbeddedEnsemble ensemble, List<ToolkitClient> clients) {
        this.ensemble = ensemble;
        this.clients = clients;
    }

    /** Starts the ensemble and connects the publisher and {@code listeners} listening clients. */
    static SessionFleet start(int listeners) {
        EmbeddedEnsemble ensemble = EmbeddedEnsemble.builder().servers(3).build();
        List<ToolkitClient> clients = new ArrayList<>();
        SessionFleet fleet = new SessionFleet(ensemble, clients);
        try {
            ensemble.start();
            ToolkitSettings settings = ToolkitSettings.builder()
                    .set(ToolkitKeys.CONNECT, ensemble.connectString()).build();
            for (int i = 0; i <= listeners; i++) {
                clients.add(ToolkitClient.open(settings));
            }
            return fleet;
        } catch (RuntimeException e) {
            fleet.close();
            throw e;
        }
    }

    /** The client that writes. */
    ToolkitClient publisher() {
        return clients.get(0);
    }

    /** The clients that watch, one session each. */
    List<ToolkitClient> listeners() {
        return clients.subList(1, clients.size());
    }

    /** Closes every client, then the ensemble. */
    @Override
    public void close() {
        // A client's close mostly waits (about 100 ms here) rather than computes: one by one, 100 take 10 s.
        ExecutorService closer = Executors.newFixedThreadPool(CLOSING_THREADS);
        try {
            clients.forEach(c -> closer.execute(c::close));
            closer.shutdown();
            closer.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ensemble.close();
        }
    }
}
