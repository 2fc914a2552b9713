package io.zktoolkit.config.hive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.live.ConfigUpdate;
import io.zktoolkit.config.live.ConfigValueException;
import io.zktoolkit.config.live.LayeredConfig;
import io.zktoolkit.config.live.PropertiesView;
import io.zktoolkit.config.live.SecretCodec;
import io.zktoolkit.config.settings.Secret;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Settings composition from a real stored set. Connections through the stock hive-jdbc driver to a
 * real HiveServer2-protocol server are tested where that server and driver live (src-it, with the
 * discovery issue's Spark Thrift Server), because hive-jdbc must not share this classpath.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HiveConnectionSettingsTest {
    private static ToolkitClient zk;
    private static final SecretCodec CODEC = SecretCodec.fromBase64(SecretCodec.generateKey());

    @BeforeAll
    static void connect() {
        zk = ToolkitClient.open(ToolkitSettings.defaults());
    }

    @AfterAll
    static void close() {
        zk.close();
    }

    private static ConfigSnapshot publish(String set, java.util.function.UnaryOperator<ConfigUpdate> changes) {
        ConfigStore store = ConfigStore.builder(zk).secretCodec(CODEC).build();
        return store.publish(changes.apply(ConfigUpdate.on(store.read(set))));
    }

    @Test
    void sessionConfAndVariablesMergeIntoTheUrlAndCredentialsStayOutOfIt() {
        ConfigSnapshot set = publish("hive/reports", u -> u
                .set("hive.jdbc.url", "jdbc:hive2://zk1:2181,zk2:2181/;serviceDiscoveryMode=zooKeeper;zooKeeperNamespace=hiveserver2")
                .set("hive.jdbc.session.ssl", "false")
                .set("hive.jdbc.fetch.size", "5000")
                .set("hive.conf.hive.exec.parallel", "true")
                .set("hive.var.run_date", "2026-11-22")
                .set("hive.jdbc.user", "etl")
                .setSecret("hive.jdbc.password", Secret.of("hivepw")));
        HiveConnectionSettings hive = HiveConnectionSettings.from(set);
        assertThat(hive.url()).isEqualTo("jdbc:hive2://zk1:2181,zk2:2181/;serviceDiscoveryMode=zooKeeper;"
                + "zooKeeperNamespace=hiveserver2;ssl=false;fetchSize=5000?hive.exec.parallel=true#run_date=2026-11-22");
        assertThat(hive.fetchSize()).isEqualTo(5000);
        assertThat(hive.url()).doesNotContain("hivepw").doesNotContain("etl");
        assertThat(hive.connectionProperties(CODEC)).containsEntry("user", "etl").containsEntry("password", "hivepw");
    }

    @Test
    void aSetValueOverridesTheSameParameterInTheBaseUrl() {
        ConfigSnapshot set = publish("hive/override", u -> u
                .set("hive.jdbc.url", "jdbc:hive2://hs2:10000/sales;transportMode=binary?hive.exec.parallel=false#x=1")
                .set("hive.jdbc.session.transportMode", "http")
                .set("hive.conf.hive.exec.parallel", "true"));
        assertThat(HiveConnectionSettings.from(set).url())
                .isEqualTo("jdbc:hive2://hs2:10000/sales;transportMode=http?hive.exec.parallel=true#x=1");
    }

    @Test
    void layeredSettingsAndBadValuesNameTheKey() {
        ConfigSnapshot set = publish("hive/bad", u -> u
                .set("hive.jdbc.url", "jdbc:hive2://hs2:10000/db")
                .set("hive.var.evil", "1;drop=2")
                .set("hive.jdbc.password", "plain"));
        assertThatThrownBy(() -> HiveConnectionSettings.from(set))
                .isInstanceOf(ConfigValueException.class)
                .hasMessageContaining("hive.var.evil: names and values may not contain")
                .hasMessageContaining("hive.jdbc.password: is stored in plain text");
        assertThatThrownBy(() -> HiveConnectionSettings.from(PropertiesView.of(Map.of("hive.jdbc.url", "jdbc:mysql://x"), "local")))
                .hasMessageContaining("Key 'hive.jdbc.url' in local has value 'jdbc:mysql://x': expected text matching jdbc:hive2://.*");
        LayeredConfig layered = LayeredConfig.builder()
                .layer(PropertiesView.of(Map.of("hive.jdbc.fetch.size", "10"), "job"))
                .layer(PropertiesView.of(Map.of("hive.jdbc.url", "jdbc:hive2://hs2:10000/db", "hive.jdbc.fetch.size", "99"), "defaults"))
                .build();
        assertThat(HiveConnectionSettings.from(layered).url()).isEqualTo("jdbc:hive2://hs2:10000/db;fetchSize=10");
    }
}
