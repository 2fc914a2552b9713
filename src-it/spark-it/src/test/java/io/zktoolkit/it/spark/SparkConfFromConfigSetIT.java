package io.zktoolkit.it.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.live.ConfigUpdate;
import io.zktoolkit.config.live.ConfigValueException;
import io.zktoolkit.config.live.SecretCodec;
import io.zktoolkit.config.settings.Secret;
import io.zktoolkit.config.spark.SparkConfFromConfigSet;
import io.zktoolkit.config.spark.SparkConfFromConfigSet.Precedence;
import io.zktoolkit.it.harness.InJvmQuorum;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import scala.Tuple2;

/** A SparkConf built from a configuration set in a real quorum, and a real local driver started with it. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SparkConfFromConfigSetIT {
    private static InJvmQuorum quorum;
    private static ToolkitClient zk;
    private static ConfigStore store;

    @BeforeAll
    static void startQuorum() {
        quorum = SparkIt.startQuorum();
        zk = SparkIt.connect(quorum);
        store = ConfigStore.builder(zk).author("spark-it")
                .secretCodec(SecretCodec.fromBase64(SecretCodec.generateKey())).build();
    }

    @AfterAll
    static void stopQuorum() throws Exception {
        if (zk != null) {
            zk.close();
        }
        if (quorum != null) {
            quorum.close();
        }
    }

    @Test
    void sparkKeysLandInTheConfAndTheDriverStartsWithThem() {
        ConfigSnapshot set = store.publish(SparkIt.withLocalDriver(ConfigUpdate.on(store.read("jobs/conf-build")))
                .set("spark.app.name", "orders-from-zookeeper")
                .set("spark.sql.shuffle.partitions", "3")
                // AQE would coalesce the shuffle partitions and hide whether the value was used.
                .set("spark.sql.adaptive.enabled", "false")
                .set("job.multiplier", "2")
                .set("sparkling.water", "not a spark key")
                .set("zk.session.timeout", "30s")
                .setSecret("db.password", Secret.of("hunter2")));

        SparkConf conf = SparkConfFromConfigSet.apply(set, new SparkConf(false), Precedence.CONFIG_SET);

        Map<String, String> expected = new TreeMap<>(SparkIt.LOCAL_DRIVER);
        expected.put("spark.app.name", "orders-from-zookeeper");
        expected.put("spark.sql.shuffle.partitions", "3");
        expected.put("spark.sql.adaptive.enabled", "false");
        assertThat(asMap(conf)).isEqualTo(expected);

        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        try {
            SparkConf running = spark.sparkContext().getConf();
            assertThat(running.get("spark.app.name")).isEqualTo("orders-from-zookeeper");
            assertThat(running.get("spark.sql.shuffle.partitions")).isEqualTo("3");
            assertThat(running.get("spark.master")).isEqualTo("local[2]");
            assertThat(running.contains("job.multiplier")).isFalse();
            assertThat(running.contains("sparkling.water")).isFalse();
            assertThat(running.contains("db.password")).isFalse();
            assertThat(spark.conf().get("spark.sql.shuffle.partitions")).isEqualTo("3");

            // A real shuffle: its partition count is the set's value, so Spark did use it.
            Dataset<Row> counted = spark.range(0, 100).groupBy(col("id").mod(5)).count();
            assertThat(counted.javaRDD().getNumPartitions()).isEqualTo(3);
            assertThat(counted.count()).isEqualTo(5);
        } finally {
            spark.stop();
        }
    }

    @Test
    void precedenceDecidesWhetherTheSetOrTheConfWins() {
        ConfigSnapshot set = store.publish(ConfigUpdate.on(store.read("jobs/precedence"))
                .set("spark.app.name", "from-the-set")
                .set("spark.executor.memory", "2g"));

        SparkConf setWins = new SparkConf(false).set("spark.app.name", "from-spark-submit");
        SparkConfFromConfigSet.apply(set, setWins, Precedence.CONFIG_SET);
        assertThat(setWins.get("spark.app.name")).isEqualTo("from-the-set");
        assertThat(setWins.get("spark.executor.memory")).isEqualTo("2g");

        SparkConf confWins = new SparkConf(false).set("spark.app.name", "from-spark-submit");
        SparkConfFromConfigSet.apply(set, confWins, Precedence.SPARK_CONF);
        assertThat(confWins.get("spark.app.name")).isEqualTo("from-spark-submit");
        assertThat(confWins.get("spark.executor.memory")).isEqualTo("2g");
    }

    @Test
    void aSecretSparkKeyIsRejectedByNameAndNothingIsCopied() {
        ConfigSnapshot set = store.publish(ConfigUpdate.on(store.read("jobs/secret-spark"))
                .set("spark.app.name", "leaky")
                .setSecret("spark.ssl.keyPassword", Secret.of("hunter2"))
                .setSecret("spark.authenticate.secret", Secret.of("swordfish")));
        SparkConf conf = new SparkConf(false).set("spark.master", "local[1]");

        assertThatThrownBy(() -> SparkConfFromConfigSet.apply(set, conf, Precedence.CONFIG_SET))
                .isInstanceOf(ConfigValueException.class)
                .hasMessageContaining("spark.authenticate.secret, spark.ssl.keyPassword")
                .hasMessageContaining("jobs/secret-spark v1")
                .hasMessageContaining("Spark UI")
                .hasMessageNotContainingAny("hunter2", "swordfish", SecretCodec.PREFIX);
        assertThat(asMap(conf)).containsExactly(Map.entry("spark.master", "local[1]"));
    }

    @Test
    void aSetNeverPublishedIsAnErrorNotSparkDefaults() {
        assertThatThrownBy(() -> SparkConfFromConfigSet.apply(store.read("jobs/typo"), new SparkConf(false),
                Precedence.CONFIG_SET))
                .isInstanceOf(ConfigValueException.class)
                .hasMessageContaining("jobs/typo was never published");
    }

    private static Map<String, String> asMap(SparkConf conf) {
        Map<String, String> map = new TreeMap<>();
        for (Tuple2<String, String> entry : conf.getAll()) {
            map.put(entry._1(), entry._2());
        }
        return map;
    }
}
