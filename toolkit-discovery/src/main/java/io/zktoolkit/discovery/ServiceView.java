package io.zktoolkit.discovery;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.x.discovery.ServiceCache;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.ServiceCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live instances of one service, kept current by watches (Curator's {@code ServiceCache}),
 * with picks that cost no ZooKeeper round trip (see {@link InstanceSelector}) and listeners told
 * of every instance that comes or goes.
 */
public final class ServiceView implements Closeable {
    /** Lifecycle. */
    public enum State {
        /** Built, not started. */
        LATENT,
        /** Watching. */
        STARTED,
        /** Closed. */
        CLOSED
    }

    private static final Logger LOG = LoggerFactory.getLogger(ServiceView.class);

    private final String service;
    private final ServiceCache<EndpointDetails> cache;
    private final UnreadableInstances unreadable;
    private final InstanceSelector<ServiceEndpoint> selector;
    private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();
    private Map<String, ServiceEndpoint> known = Map.of();
    private volatile State state = State.LATENT;

    ServiceView(ServiceDiscovery<EndpointDetails> discovery, UnreadableInstances unreadable, String service,
            SelectionStrategy strategy, Duration quarantine) {
        this.service = service;
        this.unreadable = unreadable;
        this.cache = discovery.serviceCacheBuilder().name(service).build();
        this.selector = new InstanceSelector<>(ServiceEndpoint::id, ServiceEndpoint::weight, strategy, quarantine);
    }

    /** Loads the current instances, then follows changes. */
    public synchronized void start() {
        if (state != State.LATENT) {
            throw new IllegalStateException("View of " + service + " is " + state + "; start() may be called once");
        }
        cache.addListener(new ServiceCacheListener() {
            @Override
            public void cacheChanged() {
                refresh();
            }

            @Override
            public void stateChanged(CuratorFramework client, ConnectionState newState) {
                // The cache re-reads on reconnection and reports the difference through cacheChanged.
            }
        });
        try {
            cache.start();
        } catch (Exception e) {
            throw new DiscoveryException("Could not start the view of service " + service + ": " + e, e);
        }
        state = State.STARTED;
        refresh();
    }

    /** The service watched. */
    public String service() {
        return service;
    }

    /** Adds a membership listener; one added before {@link #start()} hears of the instances already registered as added. */
    public void addListener(MembershipListener listener) {
        listeners.add(listener);
    }

    /** Every live instance. */
    public List<ServiceEndpoint> instances() {
        return selector.instances();
    }

    /** One live instance by the view's strategy, or empty when none is registered. */
    public Optional<ServiceEndpoint> select() {
        return selector.select();
    }

    /** The live instance owning {@code key} on the consistent-hash ring, or empty when none is registered. */
    public Optional<ServiceEndpoint> select(CharSequence key) {
        return selector.select(key);
    }

    /** Reports that {@code endpoint} failed a call, so the least-recently-failed strategy passes it over for a while. */
    public void noteFailure(ServiceEndpoint endpoint) {
        selector.noteFailure(endpoint);
    }

    /** Lifecycle state. */
    public State state() {
        return state;
    }

    private synchronized void refresh() {
        if (state == State.CLOSED) {
            return;
        }
        List<ServiceEndpoint> current = new ArrayList<>();
        List<ServiceInstance<EndpointDetails>> read = cache.getInstances();
        unreadable.check(read.stream().map(ServiceInstance::getId).collect(java.util.stream.Collectors.toSet()));
        for (ServiceInstance<EndpointDetails> instance : read) {
            try {
                current.add(ServiceEndpoint.of(instance));
            } catch (IllegalArgumentException e) {
                LOG.warn("Skipping instance {} of service {}: {}", instance.getId(), service, e.getMessage());
            }
        }
        current.sort(java.util.Comparator.comparing(ServiceEndpoint::id));
        Map<String, ServiceEndpoint> next = new HashMap<>();
        current.forEach(e -> next.put(e.id(), e));
        List<ServiceEndpoint> added = current.stream().filter(e -> !known.containsKey(e.id())).toList();
        Set<String> gone = new HashSet<>(known.keySet());
        gone.removeAll(next.keySet());
        List<ServiceEndpoint> removed = known.values().stream().filter(e -> gone.contains(e.id())).toList();
        known = next;
        selector.update(current);
        if (added.isEmpty() && removed.isEmpty()) {
            return;
        }
        List<ServiceEndpoint> now = List.copyOf(current);
        for (MembershipListener listener : listeners) {
            try {
                listener.membershipChanged(added, removed, now);
            } catch (RuntimeException e) {
                LOG.error("Membership listener {} failed for service {}: {}", listener, service, e.toString());
            }
        }
    }

    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        try {
            cache.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Closing the view of service {} failed: {}", service, e.toString());
        }
    }
}
