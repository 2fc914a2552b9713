package io.zktoolkit.locks.spark;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.settings.Durations;
import io.zktoolkit.config.settings.Interpolator;
import io.zktoolkit.config.settings.Secret;
import io.zktoolkit.config.settings.SettingKey;
import io.zktoolkit.config.settings.SettingType;
import io.zktoolkit.config.settings.SettingsException;
import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * ZooKeeper connection settings that travel to Spark executors inside a task closure: the
 * {@code zk.*} keys as text. A live client cannot travel (it is neither serializable nor valid
 * in another JVM), so executors rebuild one from these through {@link ExecutorClients}.
 *
 * <pre>{@code
 * PortableSettings zk = PortableSettings.of(driverClient);   // on the driver
 * rdd.foreachPartition(rows -> ExecutorClients.client(zk)...);  // on executors
 * }</pre>
 *
 * <p>Secret values (such as {@code zk.auth.digest}) travel too, because executors need them to
 * authenticate; Spark does not show closures in its UI or event log. {@link #toString()} masks
 * them, so logging an instance is safe. Values may still hold {@code ${env:...}} references,
 * which each JVM resolves against its own environment ({@code spark.executorEnv.*}).
 *
 * <p>Equal settings are equal instances, which is what lets every task of an executor share one
 * client.
 */
public final class PortableSettings implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final String SOURCE = "Spark executor ZooKeeper settings";
    /**
     * The prefix of the SparkConf keys that carry {@code zk.*} settings ({@code --conf
     * spark.zktoolkit.zk.connect=zk1:2181,zk2:2181}): spark-submit passes on only {@code spark.*} keys.
     */
    public static final String SPARK_CONF_PREFIX = "spark.zktoolkit.";

    /** Sorted, so that equal settings compare and hash equal whatever order they were given in. */
    private final TreeMap<String, String> keys;

    private PortableSettings(SortedMap<String, String> keys) {
        this.keys = new TreeMap<>(keys);
    }

    /**
     * The settings {@code client} was opened with, pointing at the ensemble it is connected to.
     * For a client that started an embedded ensemble, that is the embedded servers' address:
     * executors on the same host (local mode) reach it; executors elsewhere would not.
     */
    public static PortableSettings of(ToolkitClient client) {
        SortedMap<String, String> keys = new TreeMap<>();
        ToolkitSettings settings = client.settings();
        for (SettingKey<?> key : ToolkitKeys.ALL) {
            // Embedded-server keys describe a server only the driver starts; executors never do.
            if (!key.name().startsWith("zk.embedded.")) {
                settings.find(key).ifPresent(value -> keys.put(key.name(), asText(value)));
            }
        }
        keys.put(ToolkitKeys.CONNECT.name(), client.connectString());
        return new PortableSettings(keys);
    }

    /**
     * The {@code zk.*} keys of {@code keys} (others are ignored), checked here so that a typo
     * fails on the driver rather than in every task.
     *
     * @throws SettingsException naming each key at fault
     * @throws IllegalArgumentException when {@code zk.connect} is missing or {@code embedded}
     */
    public static PortableSettings of(Map<String, String> keys) {
        SortedMap<String, String> zk = new TreeMap<>();
        keys.forEach((k, v) -> {
            if (k.startsWith(ToolkitKeys.PREFIX)) {
                zk.put(k, Objects.requireNonNull(v, k));
            }
        });
        PortableSettings portable = new PortableSettings(zk);
        portable.toSettings();
        return portable;
    }

    /**
     * The {@value #SPARK_CONF_PREFIX}{@code zk.*} keys of {@code conf} as {@code zk.*} settings,
     * for code that Spark builds from its conf alone (a listener named in
     * {@code spark.extraListeners}). Open a client with {@link ExecutorClients#client}.
     *
     * @throws IllegalArgumentException when {@value #SPARK_CONF_PREFIX}{@code zk.connect} is missing
     * @throws SettingsException naming each key at fault
     */
    public static PortableSettings fromSparkConf(SparkConf conf) {
        SortedMap<String, String> zk = new TreeMap<>();
        for (Tuple2<String, String> entry : conf.getAllWithPrefix(SPARK_CONF_PREFIX + ToolkitKeys.PREFIX)) {
            zk.put(ToolkitKeys.PREFIX + entry._1(), entry._2());
        }
        if (!zk.containsKey(ToolkitKeys.CONNECT.name())) {
            throw new IllegalArgumentException(SPARK_CONF_PREFIX + ToolkitKeys.CONNECT.name() + " is not set in the SparkConf;"
                    + " set it to the ZooKeeper ensemble (for example --conf " + SPARK_CONF_PREFIX + ToolkitKeys.CONNECT.name()
                    + "=zk1:2181,zk2:2181). Other zk.* settings go under " + SPARK_CONF_PREFIX + " too");
        }
        return of(zk);
    }

    /**
     * Parses the keys into settings, resolving references in this JVM.
     *
     * @throws SettingsException naming each key at fault
     * @throws IllegalArgumentException when {@code zk.connect} is missing or {@code embedded}:
     *         an executor must join the driver's ensemble, never start one of its own
     */
    public ToolkitSettings toSettings() {
        String connect = keys.get(ToolkitKeys.CONNECT.name());
        if (connect == null || connect.trim().equalsIgnoreCase(ToolkitKeys.EMBEDDED)) {
            throw new IllegalArgumentException(ToolkitKeys.CONNECT.name() + " is "
                    + (connect == null ? "not set" : "'" + ToolkitKeys.EMBEDDED + "'") + " in " + SOURCE
                    + ": executors need the host:port pairs of the driver's ensemble. Build the settings with"
                    + " PortableSettings.of(client) from the driver's connected client, or set "
                    + ToolkitKeys.CONNECT.name() + " explicitly");
        }
        return ToolkitSettings.fromMap(keys, SOURCE, Interpolator.ofProcess(null));
    }

    /** The {@code zk.connect} value. */
    public String connectString() {
        return keys.get(ToolkitKeys.CONNECT.name());
    }

    /** The keys, secret values included: hand them only to code that connects. */
    public Map<String, String> keys() {
        return Collections.unmodifiableMap(keys);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PortableSettings p && p.keys.equals(keys);
    }

    @Override
    public int hashCode() {
        return keys.hashCode();
    }

    /** The keys with secret values masked. */
    @Override
    public String toString() {
        return keys.entrySet().stream()
                .map(e -> e.getKey() + "=" + (isSecret(e.getKey()) ? Secret.mask() : e.getValue()))
                .collect(Collectors.joining(", ", "PortableSettings{", "}"));
    }

    private static boolean isSecret(String name) {
        return ToolkitKeys.find(name).map(SettingKey::isSecret).orElse(false);
    }

    /** A value as it would be written in a properties file, so that parsing it gives the value back. */
    private static String asText(Object value) {
        if (value instanceof Secret secret) {
            return secret.reveal();
        }
        if (value instanceof Duration duration) {
            return Durations.format(duration);
        }
        if (value instanceof Enum<?> constant) {
            return SettingType.spell(constant);
        }
        return value.toString();
    }
}
