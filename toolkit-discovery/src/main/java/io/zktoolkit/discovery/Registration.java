package io.zktoolkit.discovery;

import java.util.Map;

/** One registered instance; closing it deregisters the instance. */
public final class Registration implements AutoCloseable {
    private final ServiceRegistry registry;
    private volatile ServiceEndpoint endpoint;

    Registration(ServiceRegistry registry, ServiceEndpoint endpoint) {
        this.registry = registry;
        this.endpoint = endpoint;
    }

    /** The instance as registered now. */
    public ServiceEndpoint endpoint() {
        return endpoint;
    }

    /** Replaces the instance's attributes and weight (for example its current load); its id and address stay. */
    public synchronized void update(Map<String, String> attributes, int weight) {
        ServiceEndpoint now = endpoint;
        ServiceEndpoint next = new ServiceEndpoint(now.name(), now.id(), now.address(), now.port(), attributes, weight,
                now.registeredAt());
        registry.update(next);
        endpoint = next;
    }

    /** Deregisters the instance. */
    @Override
    public void close() {
        registry.deregister(endpoint);
    }
}
