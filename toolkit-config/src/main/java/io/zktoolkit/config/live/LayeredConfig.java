package io.zktoolkit.config.live;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Configuration from several layers, the first that has a key winning: typically a job's own
 * set over shared defaults over the local properties file. Live layers are read through their
 * current snapshot on every lookup, so the view follows every publish.
 *
 * <pre>{@code
 * ConfigView config = LayeredConfig.builder()
 *         .layer(jobConfig::snapshot)          // LiveConfig of jobs/daily-orders
 *         .layer(defaults::snapshot)           // LiveConfig of shared/defaults
 *         .layer(PropertiesView.load(Path.of("job.properties")))
 *         .build();
 * }</pre>
 */
public final class LayeredConfig implements ConfigView {
    private final List<Supplier<? extends ConfigView>> layers;

    private LayeredConfig(List<Supplier<? extends ConfigView>> layers) {
        this.layers = List.copyOf(layers);
    }

    /** A builder; add the highest-priority layer first. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Optional<String> find(String key) {
        return owner(key).flatMap(v -> v.find(key));
    }

    @Override
    public java.util.SortedSet<String> keys() {
        java.util.SortedSet<String> all = new java.util.TreeSet<>();
        layers.forEach(layer -> all.addAll(layer.get().keys()));
        return all;
    }

    @Override
    public io.zktoolkit.config.settings.Secret secret(String key, SecretCodec codec) {
        return owner(key).orElseThrow(() -> new ConfigValueException("Key '" + key + "' is missing from " + describeSource()))
                .secret(key, codec);
    }

    @Override
    public boolean isSecret(String key) {
        return owner(key).map(v -> v.isSecret(key)).orElse(false);
    }

    @Override
    public String describeSource() {
        return layers.stream().map(s -> s.get().describeSource()).collect(Collectors.joining(" over ", "[", "]"));
    }

    /** The layer that provides {@code key}, if any. */
    public Optional<ConfigView> owner(String key) {
        for (Supplier<? extends ConfigView> layer : layers) {
            ConfigView view = layer.get();
            if (view.find(key).isPresent()) {
                return Optional.of(view);
            }
        }
        return Optional.empty();
    }

    /** Collects layers. */
    public static final class Builder {
        private final List<Supplier<? extends ConfigView>> layers = new ArrayList<>();

        private Builder() {
        }

        /** A layer read afresh on every lookup, such as {@code liveConfig::snapshot}. */
        public Builder layer(Supplier<? extends ConfigView> layer) {
            layers.add(layer);
            return this;
        }

        /** A fixed layer. */
        public Builder layer(ConfigView layer) {
            layers.add(() -> layer);
            return this;
        }

        /** The layered view. */
        public LayeredConfig build() {
            return new LayeredConfig(layers);
        }
    }
}
