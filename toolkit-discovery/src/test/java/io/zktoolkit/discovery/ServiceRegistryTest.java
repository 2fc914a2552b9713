package io.zktoolkit.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.QuorumClients;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The registry and views on a real 3-server ensemble, each instance on its own client. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServiceRegistryTest {
    private static final String SERVICE = "sqoop-worker";
    private final QuorumClients zk = new QuorumClients();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        zk.close();
    }

    private ServiceRegistry registry(ToolkitClient client) {
        ServiceRegistry registry = ServiceRegistry.create(client);
        registry.start();
        closeables.add(registry);
        return registry;
    }

    private static ServiceEndpoint worker(int port) {
        return ServiceEndpoint.builder(SERVICE).id("worker-" + port).address("127.0.0.1").port(port)
                .attribute("version", "1.4").build();
    }

    @Test
    void membershipChangesReachListenersWithTheInstancesAddedAndRemoved() throws Exception {
        ServiceRegistry observer = registry(zk.open());
        ServiceView view = observer.view(SERVICE, SelectionStrategy.ROUND_ROBIN);
        closeables.add(view);
        List<String> events = new CopyOnWriteArrayList<>();
        view.addListener((added, removed, current) -> events.add("+" + ids(added) + " -" + ids(removed) + " =" + current.size()));
        view.start();
        assertThat(view.instances()).isEmpty();

        ToolkitClient firstClient = zk.open();
        Registration first = registry(firstClient).register(worker(7001));
        registry(zk.open()).register(worker(7002));
        await(() -> view.instances().size() == 2);
        assertThat(view.instances()).extracting(ServiceEndpoint::hostAndPort).containsExactly("127.0.0.1:7001", "127.0.0.1:7002");
        assertThat(view.instances().get(0).attributes()).containsEntry("version", "1.4");

        first.close();
        await(() -> view.instances().size() == 1);
        firstClient.close();
        registry(zk.open()).register(worker(7003));
        await(() -> view.instances().size() == 2);
        assertThat(String.join(" ", events)).contains("-[worker-7001]").contains("+[worker-7003]");
        assertThat(events).allSatisfy(e -> assertThat(e).doesNotContain("+[] -[]"));
    }

    @Test
    void anInstanceWhoseProcessDiesDisappears() throws Exception {
        ServiceView view = registry(zk.open()).view(SERVICE, SelectionStrategy.RANDOM);
        closeables.add(view);
        view.start();
        ToolkitClient doomed = zk.open();
        registry(doomed).register(worker(7001));
        await(() -> view.instances().size() == 1);
        doomed.close();
        await(() -> view.instances().isEmpty());
    }

    @Test
    void afterSessionExpiryTheInstanceIsBackExactlyOnce() throws Exception {
        ToolkitClient client = zk.open();
        ToolkitClient observerClient = zk.open();
        ServiceView view = registry(observerClient).view(SERVICE, SelectionStrategy.RANDOM);
        closeables.add(view);
        List<String> removedIds = new CopyOnWriteArrayList<>();
        view.addListener((added, removed, current) -> removed.forEach(e -> removedIds.add(e.id())));
        view.start();
        registry(client).register(worker(7001));
        registry(zk.open()).register(worker(7002));
        await(() -> view.instances().size() == 2);

        zk.expireSession(client);
        await(() -> !removedIds.isEmpty());
        await(() -> view.instances().size() == 2);
        Thread.sleep(500);
        assertThat(observerClient.curator().getChildren().forPath(ServiceRegistry.ROOT + "/" + SERVICE))
                .as("one node per instance, no duplicate, no phantom").containsExactlyInAnyOrder("worker-7001", "worker-7002");
        assertThat(view.instances()).extracting(ServiceEndpoint::id).containsExactly("worker-7001", "worker-7002");
    }

    @Test
    void picksComeFromTheCacheByStrategyAndKey() throws Exception {
        ServiceRegistry registry = registry(zk.open());
        for (int port = 7001; port <= 7005; port++) {
            registry.register(worker(port));
        }
        ServiceView view = registry.view(SERVICE, SelectionStrategy.LEAST_RECENTLY_FAILED);
        closeables.add(view);
        view.start();
        assertThat(view.instances()).hasSize(5);
        ServiceEndpoint failed = view.select().orElseThrow();
        view.noteFailure(failed);
        for (int i = 0; i < 20; i++) {
            assertThat(view.select().orElseThrow()).isNotEqualTo(failed);
        }
        ServiceEndpoint owner = view.select("table-orders").orElseThrow();
        assertThat(view.select("table-orders")).contains(owner);
        assertThat(registry.services()).containsExactly(SERVICE);
    }

    @Test
    void anAttributeUpdateReachesViewsWithoutAMembershipChange() throws Exception {
        ServiceRegistry registry = registry(zk.open());
        Registration me = registry.register(worker(7001));
        ServiceView view = registry(zk.open()).view(SERVICE, SelectionStrategy.RANDOM);
        closeables.add(view);
        view.start();
        // The view's session may sit on a follower that has not applied the registration yet
        // (ZooKeeper orders reads per session, not across sessions): its arrival is a real change.
        await(() -> view.instances().size() == 1);
        List<String> events = new CopyOnWriteArrayList<>();
        view.addListener((added, removed, current) -> events.add("change"));
        me.update(Map.of("version", "1.4", "load", "0.9"), 2);
        await(() -> "0.9".equals(view.instances().get(0).attributes().get("load")));
        assertThat(view.instances().get(0).weight()).isEqualTo(2);
        assertThat(events).isEmpty();
    }

    @Test
    void badEndpointsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> ServiceEndpoint.builder(SERVICE).address("127.0.0.1").port(0).build())
                .hasMessageContaining("Invalid service port '0'").hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> ServiceEndpoint.builder("bad/name").address("h").port(1).build())
                .hasMessageContaining("Invalid service name 'bad/name'");
        assertThatThrownBy(() -> ServiceEndpoint.builder(SERVICE).port(1).build())
                .hasMessageContaining("Invalid service address 'null'");
        assertThatThrownBy(() -> ServiceEndpoint.builder(SERVICE).address("h").port(1).weight(1001).build())
                .hasMessageContaining("Invalid service weight '1001'");
        ServiceRegistry notStarted = ServiceRegistry.create(zk.open());
        assertThatThrownBy(() -> notStarted.register(worker(1))).hasMessageContaining("call start() first");
    }

    private static String ids(List<ServiceEndpoint> endpoints) {
        return endpoints.stream().map(ServiceEndpoint::id).toList().toString();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition met within 30 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
