package io.zktoolkit.discovery.hive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The znode data of Hive 3+ active/passive HA: a Hadoop registry {@code ServiceRecord} as JSON,
 * written by {@code HS2ActivePassiveHARegistry} and read by the stock driver with
 * {@code serviceDiscoveryMode=zooKeeperHA}:
 *
 * <pre>{@code
 * {"type":"JSONServiceRecord","external":[],
 *  "internal":[{"api":"activeEndpoint","addressType":"host/port","protocolType":"hadoop/IPC",
 *               "addresses":[{"host":"h","port":"10000"}]}],
 *  "hive.server2.instance.uri":"h:10000", ..., "registry.unique.id":"<uuid>"}
 * }</pre>
 *
 * The record's attributes are the same keys as the non-HA data; the one internal endpoint is
 * named {@code activeEndpoint} on the leader and {@code passiveEndpoint} on the others.
 */
final class HiveServiceRecord {
    static final String ACTIVE_ENDPOINT = "activeEndpoint";
    static final String PASSIVE_ENDPOINT = "passiveEndpoint";
    static final String UNIQUE_ID = "registry.unique.id";
    private static final String RECORD_TYPE = "JSONServiceRecord";
    private static final Set<String> RECORD_FIELDS = Set.of("type", "description", "external", "internal");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a record says. */
    record Decoded(HiveServerEndpoint endpoint, String uniqueId, boolean active) {
    }

    private HiveServiceRecord() {
    }

    static byte[] encode(HiveServerEndpoint endpoint, String uniqueId, boolean active) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", RECORD_TYPE);
        root.putArray("external");
        ObjectNode internal = root.putArray("internal").addObject();
        internal.put("api", active ? ACTIVE_ENDPOINT : PASSIVE_ENDPOINT);
        internal.put("addressType", "host/port");
        internal.put("protocolType", "hadoop/IPC");
        ObjectNode address = internal.putArray("addresses").addObject();
        address.put("host", endpoint.host());
        address.put("port", Integer.toString(endpoint.port()));
        endpoint.publishedProperties().forEach(root::put);
        root.put(UNIQUE_ID, uniqueId);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a service record for " + endpoint.instanceUri(), e);
        }
    }

    /** @throws IllegalArgumentException saying what is wrong with the data */
    static Decoded decode(byte[] data) {
        JsonNode root;
        try {
            root = JSON.readTree(new String(data, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON service record: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject() || !RECORD_TYPE.equals(root.path("type").asText())) {
            throw new IllegalArgumentException("not a JSON service record (no \"type\":\"" + RECORD_TYPE + "\")");
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!RECORD_FIELDS.contains(field.getKey()) && field.getValue().isValueNode()) {
                attributes.put(field.getKey(), field.getValue().asText());
            }
        }
        JsonNode active = endpointNamed(root.path("internal"), ACTIVE_ENDPOINT);
        JsonNode passive = endpointNamed(root.path("internal"), PASSIVE_ENDPOINT);
        if (active != null && passive != null) {
            throw new IllegalArgumentException("both an activeEndpoint and a passiveEndpoint");
        }
        JsonNode endpoint = active != null ? active : passive;
        if (endpoint == null) {
            throw new IllegalArgumentException("neither an activeEndpoint nor a passiveEndpoint");
        }
        JsonNode address = endpoint.path("addresses").path(0);
        if (!attributes.containsKey(HiveServerEndpoint.INSTANCE_URI) && address.hasNonNull("host") && address.hasNonNull("port")) {
            attributes.put(HiveServerEndpoint.INSTANCE_URI, address.get("host").asText() + ":" + address.get("port").asText());
        }
        return new Decoded(HiveServerEndpoint.fromPublishedProperties(attributes), attributes.getOrDefault(UNIQUE_ID, ""),
                active != null);
    }

    private static JsonNode endpointNamed(JsonNode internal, String api) {
        if (internal instanceof ArrayNode endpoints) {
            for (JsonNode endpoint : endpoints) {
                if (api.equals(endpoint.path("api").asText())) {
                    return endpoint;
                }
            }
        }
        return null;
    }
}
