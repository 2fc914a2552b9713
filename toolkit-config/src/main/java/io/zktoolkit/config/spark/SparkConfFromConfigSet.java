package io.zktoolkit.config.spark;

import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigValueException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a configuration set's {@code spark.*} keys into a {@link SparkConf}, for a driver to call
 * before it starts its {@code SparkContext} or {@code SparkSession}. Other keys of the set (the
 * job's own, such as {@code job.multiplier}) are not Spark's and are left out; read them through
 * {@link LiveBatchConfig} instead.
 *
 * <pre>{@code
 * SparkConf conf = SparkConfFromConfigSet.apply(store.read("jobs/daily-orders"), new SparkConf(),
 *         SparkConfFromConfigSet.Precedence.CONFIG_SET);
 * SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
 * }</pre>
 *
 * <p>Spark reads most {@code spark.*} keys once, when the context starts: publishing a new value
 * later changes nothing in a running application.
 */
public final class SparkConfFromConfigSet {
    /** The prefix of the keys copied. */
    public static final String PREFIX = "spark.";

    private static final Logger LOG = LoggerFactory.getLogger(SparkConfFromConfigSet.class);

    /**
     * Which value wins for a key that both the {@link SparkConf} and the set hold. There is no
     * default, because {@code new SparkConf()} already holds whatever {@code spark-submit --conf}
     * and {@code spark-defaults.conf} gave it, and only the job knows which of those should beat
     * the set.
     */
    public enum Precedence {
        /** The set's value replaces the conf's: the set is where operators change the job. */
        CONFIG_SET,
        /** The conf's value stays: the set only fills in keys the conf does not have. */
        SPARK_CONF
    }

    private SparkConfFromConfigSet() {
    }

    /**
     * Copies every {@code spark.*} key of {@code set} into {@code conf}.
     *
     * @return {@code conf}, for chaining
     * @throws ConfigValueException when the set was never published, or holds a secret
     *         {@code spark.*} key (every such key named); {@code conf} is then left unchanged
     */
    public static SparkConf apply(ConfigSnapshot set, SparkConf conf, Precedence precedence) {
        Objects.requireNonNull(set, "set");
        Objects.requireNonNull(conf, "conf");
        Objects.requireNonNull(precedence, "precedence");
        if (!set.exists()) {
            // A mistyped set name would otherwise start the job on Spark's defaults without a word.
            throw new ConfigValueException("Configuration set " + set.name()
                    + " was never published; no spark.* keys to copy into the SparkConf");
        }
        SortedMap<String, String> spark = new TreeMap<>();
        set.entries().forEach((key, value) -> {
            if (key.startsWith(PREFIX)) {
                spark.put(key, value);
            }
        });
        // Every check before the first set(): a half-applied conf would be worse than none.
        List<String> secret = spark.keySet().stream().filter(set::isSecret).toList();
        if (!secret.isEmpty()) {
            throw new ConfigValueException("Secret key(s) " + String.join(", ", secret) + " in " + set.describeSource()
                    + " cannot go into a SparkConf: its values show up in the Spark UI and the event log (Spark"
                    + " masks only key names matching spark.redaction.regex). Keep the secret under a key outside"
                    + " spark.* and read it in the driver with ConfigSnapshot.secret(key, codec)");
        }
        List<String> kept = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        spark.forEach((key, value) -> {
            if (!conf.contains(key)) {
                conf.set(key, value);
            } else if (precedence == Precedence.SPARK_CONF) {
                kept.add(key);
            } else {
                if (!conf.get(key).equals(value)) {
                    replaced.add(key);
                }
                conf.set(key, value);
            }
        });
        // Keys only, never values: which source won is what an operator needs to find out.
        LOG.info("SparkConf from {}: {} spark.* key(s); set's value replaced the conf's for {}; conf's value kept for {}",
                set.describeSource(), spark.size(), replaced, kept);
        return conf;
    }
}
