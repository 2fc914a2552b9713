package io.zktoolkit.benchmarks;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.discovery.EndpointDetails;
import io.zktoolkit.discovery.SelectionStrategy;
import io.zktoolkit.discovery.ServiceEndpoint;
import io.zktoolkit.discovery.ServiceRegistry;
import io.zktoolkit.discovery.ServiceView;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceProvider;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.curator.x.discovery.strategies.RoundRobinStrategy;

/**
 * Round-robin picks per second among {@code n} registered instances on an embedded ZooKeeper:
 * the toolkit's {@link ServiceView} against Curator's {@code ServiceProvider}, both kept current
 * by a service cache over the same registrations. Curator's provider copies the instance list on
 * every call, so it slows down as instances grow; the view indexes an immutable snapshot.
 */
public final class InstanceSelectionCase extends ThroughputCase {
    private static final String SERVICE = "bench-worker";
    private final int instances;
    private ToolkitClient zk;
    private ServiceRegistry registry;
    private ServiceView view;
    private ServiceDiscovery<EndpointDetails> curatorDiscovery;
    private ServiceProvider<EndpointDetails> provider;

    /**
     * @param instances how many instances are registered
     */
    public InstanceSelectionCase(int instances, Duration slice, int warmups, int trials) {
        super(slice, warmups, trials);
        this.instances = instances;
    }

    /** 300 ms slices, 2 warmups, 7 trials per side. */
    public static InstanceSelectionCase standard(int instances) {
        return new InstanceSelectionCase(instances, Duration.ofMillis(300), 2, 7);
    }

    @Override
    public String name() {
        return "instance selection per second, round robin, " + instances + " instances";
    }

    @Override
    public void setUp() throws Exception {
        zk = ToolkitClient.open(ToolkitSettings.defaults());
        registry = ServiceRegistry.create(zk);
        registry.start();
        for (int i = 0; i < instances; i++) {
            registry.register(ServiceEndpoint.builder(SERVICE).id("w-" + i).address("10.0.0." + (i % 250 + 1))
                    .port(7000 + i).build());
        }
        view = registry.view(SERVICE, SelectionStrategy.ROUND_ROBIN);
        view.start();
        curatorDiscovery = ServiceDiscoveryBuilder.builder(EndpointDetails.class).client(zk.curator())
                .basePath(ServiceRegistry.ROOT).serializer(new JsonInstanceSerializer<>(EndpointDetails.class)).build();
        curatorDiscovery.start();
        provider = curatorDiscovery.serviceProviderBuilder().serviceName(SERVICE)
                .providerStrategy(new RoundRobinStrategy<>()).build();
        provider.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (view.instances().size() < instances || provider.getAllInstances().size() < instances) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Caches did not see all " + instances + " instances within 60 s");
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void tearDown() throws Exception {
        if (provider != null) {
            provider.close();
        }
        if (curatorDiscovery != null) {
            curatorDiscovery.close();
        }
        if (view != null) {
            view.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (zk != null) {
            zk.close();
        }
    }

    @Override
    public Side toolkit() {
        return new Side("ServiceView.select() (round robin) in a loop for " + slice().toMillis() + " ms",
                () -> perSecond(() -> {
                    if (view.select().isEmpty()) {
                        throw new IllegalStateException("no instance");
                    }
                }));
    }

    @Override
    public Side baseline() {
        return new Side("Curator ServiceProvider.getInstance() (RoundRobinStrategy) in a loop for " + slice().toMillis() + " ms",
                () -> perSecond(() -> {
                    if (provider.getInstance() == null) {
                        throw new IllegalStateException("no instance");
                    }
                }));
    }
}
