package io.zktoolkit.discovery;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The payload the toolkit stores in each Curator service instance: free-form attributes (version,
 * load, zone) and the instance's ring weight. Public only because Curator's JSON serializer needs
 * a bean; use {@link ServiceEndpoint} instead. Unknown fields are ignored, so a newer toolkit's
 * instances stay readable by an older one.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class EndpointDetails {
    private Map<String, String> attributes = new LinkedHashMap<>();
    private int weight = 1;

    /** For the JSON reader. */
    public EndpointDetails() {
    }

    EndpointDetails(Map<String, String> attributes, int weight) {
        this.attributes = new LinkedHashMap<>(attributes);
        this.weight = weight;
    }

    /** Free-form attributes. */
    public Map<String, String> getAttributes() {
        return attributes;
    }

    /** For the JSON reader. */
    public void setAttributes(Map<String, String> attributes) {
        this.attributes = attributes == null ? new LinkedHashMap<>() : attributes;
    }

    /** Ring weight. */
    public int getWeight() {
        return weight;
    }

    /** For the JSON reader. */
    public void setWeight(int weight) {
        this.weight = weight;
    }
}
