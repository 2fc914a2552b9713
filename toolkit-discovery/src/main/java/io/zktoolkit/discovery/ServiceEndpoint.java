package io.zktoolkit.discovery;

import io.zktoolkit.config.ZnodeLimits;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.zookeeper.common.PathUtils;

/**
 * One instance of a service: where to reach it and what it says about itself.
 *
 * @param name the service, for example {@code sqoop-worker}
 * @param id unique per instance and stable across re-registration
 * @param address host name or IP address
 * @param port TCP port, 1 to 65535
 * @param attributes free-form facts such as version or load
 * @param weight share of keys on the consistent-hash ring, 0 to 1,000 (0: never picked by key)
 * @param registeredAt when the instance registered
 */
public record ServiceEndpoint(String name, String id, String address, int port, Map<String, String> attributes,
                              int weight, Instant registeredAt) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    /** A host name or IPv4 address; an IPv6 address (with ':', maybe a '%' zone). */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,252}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9._-]+)?");
    private static final int MAX_ID_LENGTH = 200;

    /** @throws IllegalArgumentException naming the field that is wrong and what would be valid */
    public ServiceEndpoint {
        check(NAME.matcher(Objects.requireNonNullElse(name, "")).matches(), "name", name,
                "1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit");
        check(isZnodeName(id), "id", id, "1 to " + MAX_ID_LENGTH + " characters, not '.' or '..', without '/',"
                + " whitespace at either end or control characters (it names the instance's znode)");
        check(address != null && (HOST.matcher(address).matches() || IPV6.matcher(address).matches()),
                "address", address, "a host name or IP address: up to 253 letters, digits, '.', '-' or '_' (IPv6: hex digits and ':')");
        check(port >= 1 && port <= 65535, "port", port, "1 to 65535");
        check(weight >= 0 && weight <= 1000, "weight", weight, "0 to 1000");
        attributes = Map.copyOf(attributes);
        Objects.requireNonNull(registeredAt, "registeredAt");
    }

    private static void check(boolean ok, String field, Object value, String valid) {
        if (!ok) {
            String shown = value instanceof String s && s.length() > 120 ? s.substring(0, 120) + "...(" + s.length() + " characters)" : String.valueOf(value);
            throw new IllegalArgumentException("Invalid service " + field + " '" + ZnodeLimits.printable(shown) + "': expected " + valid);
        }
    }

    /** What ZooKeeper takes as one path segment, and no longer than an id should be. */
    private static boolean isZnodeName(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH || id.contains("/") || !id.strip().equals(id)) {
            return false;
        }
        try {
            PathUtils.validatePath("/" + id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A builder for an instance of {@code name}, with a fresh id, weight 1 and no attributes. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** {@code address:port}. */
    public String hostAndPort() {
        return address + ":" + port;
    }

    ServiceInstance<EndpointDetails> toInstance() {
        try {
            return ServiceInstance.<EndpointDetails>builder()
                    .name(name).id(id).address(address).port(port)
                    .registrationTimeUTC(registeredAt.toEpochMilli())
                    .payload(new EndpointDetails(attributes, weight))
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException("Could not describe " + this + " as a Curator service instance", e);
        }
    }

    static ServiceEndpoint of(ServiceInstance<EndpointDetails> instance) {
        EndpointDetails details = instance.getPayload() == null ? new EndpointDetails() : instance.getPayload();
        Integer port = instance.getPort() != null ? instance.getPort() : instance.getSslPort();
        return new ServiceEndpoint(instance.getName(), instance.getId(), instance.getAddress(), port == null ? 0 : port,
                details.getAttributes(), details.getWeight(), Instant.ofEpochMilli(instance.getRegistrationTimeUTC()));
    }

    /** Builds a {@link ServiceEndpoint}. */
    public static final class Builder {
        private final String name;
        private String id = UUID.randomUUID().toString();
        private String address;
        private int port;
        private final Map<String, String> attributes = new LinkedHashMap<>();
        private int weight = 1;

        private Builder(String name) {
            this.name = name;
        }

        /** A stable id of your own (default: a random UUID). */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /** Host name or IP address. */
        public Builder address(String address) {
            this.address = address;
            return this;
        }

        /** TCP port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** One attribute. */
        public Builder attribute(String key, String value) {
            attributes.put(key, value);
            return this;
        }

        /** Ring weight (default 1). */
        public Builder weight(int weight) {
            this.weight = weight;
            return this;
        }

        /** @throws IllegalArgumentException naming the field that is wrong */
        public ServiceEndpoint build() {
            return new ServiceEndpoint(name, id, address, port, attributes, weight, Instant.now());
        }
    }
}
