package io.zktoolkit.config.hadoop;

import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.settings.Interpolator;
import io.zktoolkit.config.settings.PropertiesFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Settings for jobs that already carry a Hadoop {@link Configuration} (Spark, Sqoop, MapReduce).
 * {@code zk.*} keys are read from the configuration (or a properties file); when none names the
 * ensemble, the toolkit uses the ZooKeeper quorum the cluster already declares:
 * {@value #HADOOP_ZK_ADDRESS}, then {@value #HA_ZOOKEEPER_QUORUM}.
 */
public final class HadoopSettings {
    /** YARN's and Hadoop's common ZooKeeper address key. */
    public static final String HADOOP_ZK_ADDRESS = "hadoop.zk.address";
    /** HDFS and YARN automatic failover's ZooKeeper quorum key. */
    public static final String HA_ZOOKEEPER_QUORUM = "ha.zookeeper.quorum";
    private static final List<String> FALLBACKS = List.of(HADOOP_ZK_ADDRESS, HA_ZOOKEEPER_QUORUM);

    private HadoopSettings() {
    }

    /** Settings from the {@code zk.*} keys of a Hadoop configuration, with its quorum as fallback. */
    public static ToolkitSettings from(Configuration conf) {
        Map<String, String> raw = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : conf.getPropsWithPrefix(ToolkitKeys.PREFIX).entrySet()) {
            raw.put(ToolkitKeys.PREFIX + e.getKey(), conf.get(ToolkitKeys.PREFIX + e.getKey()));
        }
        String source = "Hadoop Configuration " + conf;
        return ToolkitSettings.fromMap(withQuorumFallback(raw, conf), source, Interpolator.ofProcess(null));
    }

    /** Settings from a properties file, with the Hadoop configuration's quorum as fallback. */
    public static ToolkitSettings from(Path propertiesFile, Configuration conf) {
        Path file = propertiesFile.toAbsolutePath();
        Map<String, String> raw = PropertiesFile.read(file);
        return ToolkitSettings.fromMap(withQuorumFallback(raw, conf), file.toString(),
                Interpolator.ofProcess(file.getParent()));
    }

    private static Map<String, String> withQuorumFallback(Map<String, String> raw, Configuration conf) {
        if (raw.containsKey(ToolkitKeys.CONNECT.name())) {
            return raw;
        }
        for (String key : FALLBACKS) {
            String quorum = conf.getTrimmed(key);
            if (quorum != null && !quorum.isEmpty()) {
                Map<String, String> copy = new LinkedHashMap<>(raw);
                copy.put(ToolkitKeys.CONNECT.name(), quorum);
                return copy;
            }
        }
        return raw;
    }
}
