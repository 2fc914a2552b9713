package io.zktoolkit.discovery;

import io.zktoolkit.config.AccessDeniedException;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ZnodeLimits;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registry of service instances on Curator's service discovery, under {@value #ROOT}.
 *
 * <pre>{@code
 * try (ServiceRegistry registry = ServiceRegistry.create(zk)) {
 *     registry.start();
 *     Registration me = registry.register(ServiceEndpoint.builder("sqoop-worker").address(host).port(4711).build());
 *     try (ServiceView workers = registry.view("sqoop-worker", SelectionStrategy.ROUND_ROBIN)) {
 *         workers.start();
 *         ServiceEndpoint next = workers.select().orElseThrow();
 *     }
 * }
 * }</pre>
 *
 * <p>Each instance is an ephemeral node named by its id, so it goes when its process dies. After
 * a session expiry Curator re-registers every instance of this registry under the same id: the
 * new node replaces the old one (which the server removed with the session), so there is never a
 * duplicate and never a phantom left by a dead process.
 */
public final class ServiceRegistry implements Closeable {
    /** Lifecycle. */
    public enum State {
        /** Built, not started. */
        LATENT,
        /** Registering and serving views. */
        STARTED,
        /** Closed: every instance it registered is gone. */
        CLOSED
    }

    /** Where services live, under the client's namespace. */
    public static final String ROOT = "/services";
    /** How long a failed instance is passed over by {@link SelectionStrategy#LEAST_RECENTLY_FAILED}. */
    public static final Duration DEFAULT_QUARANTINE = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(ServiceRegistry.class);

    private final CuratorFramework curator;
    private final JsonInstanceSerializer<EndpointDetails> serializer = new JsonInstanceSerializer<>(EndpointDetails.class);
    private final ServiceDiscovery<EndpointDetails> discovery;
    private volatile State state = State.LATENT;

    private ServiceRegistry(CuratorFramework curator) {
        this.curator = Objects.requireNonNull(curator, "curator");
        this.discovery = ServiceDiscoveryBuilder.builder(EndpointDetails.class)
                .client(curator)
                .basePath(ROOT)
                .serializer(serializer)
                .watchInstances(true)
                .build();
    }

    /** A registry on the toolkit's client. */
    public static ServiceRegistry create(ToolkitClient client) {
        return new ServiceRegistry(client.curator());
    }

    /** A registry on a plain Curator client. */
    public static ServiceRegistry create(CuratorFramework curator) {
        return new ServiceRegistry(curator);
    }

    /** Starts the registry. */
    public synchronized void start() {
        if (state != State.LATENT) {
            throw new IllegalStateException("Service registry is " + state + "; start() may be called once");
        }
        try {
            discovery.start();
        } catch (Exception e) {
            AccessDeniedException.throwIfDenied(e, "start the service registry at " + ROOT);
            throw new DiscoveryException("Could not start the service registry at " + ROOT + ": " + e, e);
        }
        state = State.STARTED;
    }

    /** Lifecycle state. */
    public State state() {
        return state;
    }

    /**
     * Registers {@code endpoint}; it stays registered until the {@link Registration} is closed,
     * this registry is closed, or the process dies.
     *
     * @throws IllegalArgumentException when the instance's data would not fit one znode; nothing is registered
     */
    public Registration register(ServiceEndpoint endpoint) {
        requireStarted();
        ServiceInstance<EndpointDetails> instance = fitting(endpoint);
        try {
            discovery.registerService(instance);
        } catch (Exception e) {
            AccessDeniedException.throwIfDenied(e, "register " + endpoint.name() + " instance " + endpoint.id());
            throw new DiscoveryException("Could not register " + endpoint.name() + " instance " + endpoint.id()
                    + " (" + endpoint.hostAndPort() + "): " + e, e);
        }
        LOG.info("Registered {} instance {} at {}", endpoint.name(), endpoint.id(), endpoint.hostAndPort());
        return new Registration(this, endpoint);
    }

    /** A view of {@code service}'s instances picking by {@code strategy}; start it before use, close it after. */
    public ServiceView view(String service, SelectionStrategy strategy) {
        requireStarted();
        return new ServiceView(discovery, new UnreadableInstances(curator, serializer, ROOT, service), service, strategy,
                DEFAULT_QUARANTINE);
    }

    /** The names of every registered service. */
    public List<String> services() {
        requireStarted();
        try {
            return discovery.queryForNames().stream().sorted().toList();
        } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
            // Nothing was ever registered in this namespace.
            return List.of();
        } catch (Exception e) {
            AccessDeniedException.throwIfDenied(e, "list services under " + ROOT);
            throw new DiscoveryException("Could not list services under " + ROOT + ": " + e, e);
        }
    }

    void update(ServiceEndpoint endpoint) {
        requireStarted();
        ServiceInstance<EndpointDetails> instance = fitting(endpoint);
        try {
            discovery.updateService(instance);
        } catch (Exception e) {
            AccessDeniedException.throwIfDenied(e, "update " + endpoint.name() + " instance " + endpoint.id());
            throw new DiscoveryException("Could not update " + endpoint.name() + " instance " + endpoint.id() + ": " + e, e);
        }
    }

    void deregister(ServiceEndpoint endpoint) {
        if (state != State.STARTED) {
            return;
        }
        try {
            discovery.unregisterService(endpoint.toInstance());
            LOG.info("Deregistered {} instance {}", endpoint.name(), endpoint.id());
        } catch (Exception e) {
            // Ephemeral: the node still goes with the session; say so rather than fail the caller's close.
            LOG.warn("Could not deregister {} instance {} now ({}); it goes when this session ends",
                    endpoint.name(), endpoint.id(), e.toString());
        }
    }

    /** Deregisters every instance this registry registered. */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        try {
            discovery.close();
        } catch (IOException | RuntimeException e) {
            // Typically the client was closed first: its ephemeral instances are already gone.
            LOG.warn("Closing the service registry failed: {}", e.toString());
        }
    }

    /**
     * The instance, once its znode data is known to fit. Checked before Curator sees it: Curator
     * keeps an instance it was asked to register even when the write fails, and registers it
     * again on every reconnection, and a write over jute.maxbuffer makes the server drop the
     * connection, so an oversized instance would cut the session's connection over and over.
     */
    private ServiceInstance<EndpointDetails> fitting(ServiceEndpoint endpoint) {
        ServiceInstance<EndpointDetails> instance = endpoint.toInstance();
        try {
            ZnodeLimits.requireFits("Service " + endpoint.name() + " instance " + endpoint.id() + " with "
                    + endpoint.attributes().size() + " attributes", serializer.serialize(instance));
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Could not serialize " + endpoint, e);
        }
        return instance;
    }

    private void requireStarted() {
        if (state != State.STARTED) {
            throw new IllegalStateException("Service registry is " + state + "; call start() first");
        }
    }

    CuratorFramework curator() {
        return curator;
    }
}
