package io.zktoolkit.it.zookeeper;

import io.zktoolkit.discovery.Registration;
import io.zktoolkit.discovery.SelectionStrategy;
import io.zktoolkit.discovery.ServiceEndpoint;
import io.zktoolkit.discovery.ServiceRegistry;
import io.zktoolkit.discovery.ServiceView;
import io.zktoolkit.it.harness.SyncedRead;
import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;

/**
 * The soak's discovery workload: registrars, each a registry on its own session, register and
 * deregister instances of one service at random (seeded), while a view on another session follows.
 * The model is the set of registrations open now; the view and the znodes must come to match it.
 */
final class DiscoveryChurn implements Closeable {
    static final String SERVICE = "soak-worker";
    private static final int MAX_OPEN_PER_REGISTRAR = 3;
    private static final Duration STEP = Duration.ofMillis(300);

    private final List<ServiceRegistry> registries = new ArrayList<>();
    private final List<Map<String, Registration>> open = new ArrayList<>();
    private final ServiceRegistry viewRegistry;
    private final ServiceView view;
    private final CuratorFramework viewCurator;
    private final Random random;
    private final Thread churning;
    private volatile boolean stopping;
    private int registered;
    private int deregistered;
    private int failedRegistrations;
    private int next;

    DiscoveryChurn(InProcessClients clients, int registrars, long seed) {
        this.random = new Random(seed);
        for (int i = 1; i <= registrars; i++) {
            ServiceRegistry registry = ServiceRegistry.create(clients.open("discovery-registrar-" + i));
            registry.start();
            registries.add(registry);
            open.add(new HashMap<>());
        }
        var viewClient = clients.open("discovery-view");
        viewCurator = viewClient.curator();
        viewRegistry = ServiceRegistry.create(viewClient);
        viewRegistry.start();
        view = viewRegistry.view(SERVICE, SelectionStrategy.ROUND_ROBIN);
        view.start();
        churning = new Thread(this::churnUntilStopped, "soak-discovery-churn");
        churning.start();
    }

    private void churnUntilStopped() {
        while (!stopping) {
            step();
            try {
                Thread.sleep(STEP.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void step() {
        int r = random.nextInt(registries.size());
        Map<String, Registration> mine = open.get(r);
        if (mine.size() < MAX_OPEN_PER_REGISTRAR && (mine.isEmpty() || random.nextBoolean())) {
            String id = "r" + (r + 1) + "-i" + (++next);
            ServiceEndpoint endpoint = ServiceEndpoint.builder(SERVICE).id(id).address("127.0.0.1").port(20_000 + next).build();
            // A failed register() stays in Curator's list and is registered again on reconnection, so
            // the same endpoint is retried until it is acknowledged: the model then knows it is live.
            while (true) {
                try {
                    mine.put(id, registries.get(r).register(endpoint));
                    registered++;
                    return;
                } catch (RuntimeException e) {
                    failedRegistrations++;
                    if (!sleep(STEP)) {
                        return;
                    }
                }
            }
        }
        if (!mine.isEmpty()) {
            List<String> ids = new ArrayList<>(new TreeSet<>(mine.keySet()));
            String id = ids.get(random.nextInt(ids.size()));
            // Closing deregisters with a guaranteed delete: a failure now is retried in the background.
            mine.remove(id).close();
            deregistered++;
        }
    }

    private static boolean sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops registering and deregistering; what is open stays open. */
    void stop() throws InterruptedException {
        stopping = true;
        churning.join();
    }

    /** The ids of the registrations open now. */
    synchronized Set<String> live() {
        return open.stream().flatMap(m -> m.keySet().stream()).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The ids the view holds now. */
    Set<String> viewed() {
        return view.instances().stream().map(ServiceEndpoint::id).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The ids registered in ZooKeeper, after a sync. */
    Set<String> znodes() throws Exception {
        String path = ServiceRegistry.ROOT + "/" + SERVICE;
        SyncedRead.sync(viewCurator, path);
        return new TreeSet<>(viewCurator.getChildren().forPath(path));
    }

    /** Waits until the view and the znodes hold exactly the open registrations, or the timeout passes. */
    void awaitConverged(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !(viewed().equals(live()) && znodes().equals(live()))) {
            Thread.sleep(100);
        }
    }

    synchronized int registered() {
        return registered;
    }

    synchronized int deregistered() {
        return deregistered;
    }

    synchronized int failedRegistrations() {
        return failedRegistrations;
    }

    /** Deregisters everything and closes the view and the registries. */
    @Override
    public void close() {
        stopping = true;
        churning.interrupt();
        try {
            churning.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            open.forEach(m -> m.values().forEach(Registration::close));
            open.forEach(Map::clear);
        }
        view.close();
        viewRegistry.close();
        registries.forEach(ServiceRegistry::close);
    }
}
