package io.zktoolkit.config.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.settings.SettingsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HadoopSettingsTest {
    @TempDir
    Path dir;

    private static Configuration conf() {
        return new Configuration(false);
    }

    @Test
    void zkKeysAreReadFromTheConfiguration() {
        Configuration conf = conf();
        conf.set("zk.connect", "zk1:2181,zk2:2181");
        conf.set("zk.session.timeout", "20s");
        conf.set("mapreduce.job.name", "orders");
        ToolkitSettings s = HadoopSettings.from(conf);
        assertThat(s.connectString()).isEqualTo("zk1:2181,zk2:2181");
        assertThat(s.sessionTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.source()).startsWith("Hadoop Configuration");
    }

    @Test
    void hadoopVariableExpansionStillWorks() {
        Configuration conf = conf();
        conf.set("cluster.quorum", "zkq:2181");
        conf.set("zk.connect", "${cluster.quorum}");
        assertThat(HadoopSettings.from(conf).connectString()).isEqualTo("zkq:2181");
    }

    @Test
    void theClustersQuorumIsTheFallbackInOrder() {
        Configuration conf = conf();
        conf.set(HadoopSettings.HA_ZOOKEEPER_QUORUM, "ha1:2181,ha2:2181");
        assertThat(HadoopSettings.from(conf).connectString()).isEqualTo("ha1:2181,ha2:2181");
        conf.set(HadoopSettings.HADOOP_ZK_ADDRESS, "yarn1:2181");
        assertThat(HadoopSettings.from(conf).connectString()).isEqualTo("yarn1:2181");
        conf.set("zk.connect", "mine:2181");
        assertThat(HadoopSettings.from(conf).connectString()).isEqualTo("mine:2181");
    }

    @Test
    void withoutAnyQuorumTheEmbeddedServerIsTheDefault() {
        assertThat(HadoopSettings.from(conf()).isEmbedded()).isTrue();
    }

    @Test
    void aPropertiesFileTakesTheQuorumFromHadoopWhenItNamesNone() throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "zk.namespace=etl\n");
        Configuration conf = conf();
        conf.set(HadoopSettings.HADOOP_ZK_ADDRESS, "yarn1:2181");
        ToolkitSettings s = HadoopSettings.from(file, conf);
        assertThat(s.connectString()).isEqualTo("yarn1:2181");
        assertThat(s.namespace()).isEqualTo("etl");
        assertThat(s.source()).isEqualTo(file.toString());

        Files.writeString(file, "zk.connect=own:2181\n");
        assertThat(HadoopSettings.from(file, conf).connectString()).isEqualTo("own:2181");
    }

    @Test
    void unknownKeysInTheConfigurationAreErrors() {
        Configuration conf = conf();
        conf.set("zk.conect", "zk1:2181");
        assertThatThrownBy(() -> HadoopSettings.from(conf))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("Hadoop Configuration")
                .hasMessageContaining("did you mean " + ToolkitKeys.CONNECT.name());
    }
}
