package io.zktoolkit.config;

import io.zktoolkit.config.settings.Durations;
import io.zktoolkit.config.settings.Interpolator;
import io.zktoolkit.config.settings.PropertiesFile;
import io.zktoolkit.config.settings.Secret;
import io.zktoolkit.config.settings.SettingKey;
import io.zktoolkit.config.settings.SettingType;
import io.zktoolkit.config.settings.SettingsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.apache.curator.RetryPolicy;

/**
 * Validated, immutable connection settings: where the ensemble is (or that it is embedded), how
 * to reach it, how to authenticate and what ACL to give new nodes. Read them from a properties
 * file with {@link #load(Path)}, from a {@link Properties} object, from a Hadoop Configuration with
 * {@link io.zktoolkit.config.hadoop.HadoopSettings}, or build them in code with {@link #builder()}.
 * The keys are listed in {@link ToolkitKeys}. Invalid settings throw {@link SettingsException}
 * listing every key at fault; an instance that exists is valid.
 */
public final class ToolkitSettings {
    private final Map<SettingKey<?>, Object> values;
    private final String source;

    private ToolkitSettings(Map<SettingKey<?>, Object> values, String source) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.source = source;
    }

    /** Every key at its default: an embedded standalone ZooKeeper. */
    public static ToolkitSettings defaults() {
        return builder().source("defaults").build();
    }

    /**
     * Reads a properties file. {@code ${env:...}}, {@code ${sys:...}} and {@code ${file:...}}
     * references are resolved, relative files against the file's folder.
     *
     * @throws SettingsException naming the file and each key at fault
     */
    public static ToolkitSettings load(Path file) {
        Path absolute = file.toAbsolutePath();
        return fromMap(PropertiesFile.read(absolute), absolute.toString(), Interpolator.ofProcess(absolute.getParent()));
    }

    /**
     * Reads settings from a {@link Properties} object.
     *
     * @param source how to name these settings in error messages, for example "job arguments"
     */
    public static ToolkitSettings fromProperties(Properties properties, String source) {
        Map<String, String> raw = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().sorted().forEach(k -> raw.put(k, properties.getProperty(k)));
        return fromMap(raw, source, Interpolator.ofProcess(null));
    }

    /**
     * Reads settings from key-value pairs: keys under {@value ToolkitKeys#PREFIX} are validated,
     * all others ignored.
     */
    public static ToolkitSettings fromMap(Map<String, String> raw, String source, Interpolator interpolator) {
        return SettingsParser.parse(raw, source, interpolator);
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder().source(source);
        b.values.putAll(values);
        return b;
    }

    /** The value of a key, or empty when it has neither a value nor a default. */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> find(SettingKey<T> key) {
        return Optional.ofNullable((T) values.get(key));
    }

    /**
     * The value of a key that has a default.
     *
     * @throws IllegalArgumentException for a key without value or default
     */
    public <T> T get(SettingKey<T> key) {
        return find(key).orElseThrow(() -> new IllegalArgumentException(key.name() + " is not set in " + source));
    }

    /** Where these settings came from: a file path or a description. */
    public String source() {
        return source;
    }

    /** Whether the toolkit starts ZooKeeper itself. */
    public boolean isEmbedded() {
        return ToolkitKeys.EMBEDDED.equals(get(ToolkitKeys.CONNECT));
    }

    /** The configured connect string, or {@code embedded}. */
    public String connectString() {
        return get(ToolkitKeys.CONNECT);
    }

    /** The Curator namespace, empty for none. */
    public String namespace() {
        return get(ToolkitKeys.NAMESPACE);
    }

    /** Session timeout. */
    public Duration sessionTimeout() {
        return get(ToolkitKeys.SESSION_TIMEOUT);
    }

    /** Connection timeout. */
    public Duration connectionTimeout() {
        return get(ToolkitKeys.CONNECTION_TIMEOUT);
    }

    /** The Curator retry policy these settings describe. */
    public RetryPolicy retryPolicy() {
        return get(ToolkitKeys.RETRY_POLICY).create(get(ToolkitKeys.RETRY_BASE_SLEEP),
                get(ToolkitKeys.RETRY_MAX_SLEEP), get(ToolkitKeys.RETRY_MAX_RETRIES));
    }

    /** When ownership of locks and leadership counts as lost. */
    public OwnershipPolicy ownershipPolicy() {
        return get(ToolkitKeys.OWNERSHIP_LOST_ON);
    }

    /** ACL mode of new nodes. */
    public AclMode aclMode() {
        return get(ToolkitKeys.ACL);
    }

    /** Whether the client connects with TLS. */
    public boolean tlsEnabled() {
        return get(ToolkitKeys.TLS_ENABLED);
    }

    /**
     * Every key with its effective value as text, in {@link ToolkitKeys#ALL} order, secrets
     * masked: safe to log or show in a status view.
     */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        for (SettingKey<?> key : ToolkitKeys.ALL) {
            find(key).ifPresent(v -> out.put(key.name(), format(v)));
        }
        return out;
    }

    @Override
    public String toString() {
        return "ToolkitSettings" + describe() + " from " + source;
    }

    /** Text of a value as it would be written in a file; secrets masked. */
    static String format(Object value) {
        if (value instanceof Secret) {
            return Secret.mask();
        }
        if (value instanceof Duration d) {
            return Durations.format(d);
        }
        if (value instanceof Enum<?> e) {
            return SettingType.spell(e);
        }
        return String.valueOf(value);
    }

    /** Builds settings in code; {@link #build()} applies the same validation as a file. */
    public static final class Builder {
        private final Map<SettingKey<?>, Object> values = new LinkedHashMap<>();
        private String source = "settings built in code";

        private Builder() {
        }

        /** Sets a key; {@code null} clears it back to its default. */
        public <T> Builder set(SettingKey<T> key, T value) {
            Objects.requireNonNull(key, "key");
            if (value == null) {
                values.remove(key);
            } else {
                values.put(key, value);
            }
            return this;
        }

        /** How to name these settings in error messages. */
        public Builder source(String source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws SettingsException listing every key at fault
         */
        public ToolkitSettings build() {
            Map<SettingKey<?>, Object> complete = new LinkedHashMap<>();
            for (SettingKey<?> key : ToolkitKeys.ALL) {
                Object value = values.containsKey(key) ? values.get(key)
                        : key.defaultText() == null ? null : key.type().parse(key.defaultText());
                if (value != null) {
                    complete.put(key, value);
                }
            }
            // Unless set explicitly, the connection timeout follows a shorter session timeout, so
            // that setting zk.session.timeout=5s alone is valid.
            if (!values.containsKey(ToolkitKeys.CONNECTION_TIMEOUT)) {
                Duration session = (Duration) complete.get(ToolkitKeys.SESSION_TIMEOUT);
                complete.computeIfPresent(ToolkitKeys.CONNECTION_TIMEOUT,
                        (k, v) -> ((Duration) v).compareTo(session) > 0 ? session : v);
            }
            ToolkitSettings settings = new ToolkitSettings(complete, source);
            var problems = SettingsRules.check(settings);
            if (!problems.isEmpty()) {
                throw new SettingsException(source, problems);
            }
            return settings;
        }
    }
}
