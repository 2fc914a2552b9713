package io.zktoolkit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.live.ConfigSetName;
import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.live.ConfigTooLargeException;
import io.zktoolkit.config.live.ConfigUpdate;
import io.zktoolkit.config.live.CorruptConfigException;
import io.zktoolkit.config.settings.SettingsException;
import io.zktoolkit.config.testing.QuorumClients;
import io.zktoolkit.config.testing.ZnodeTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to toolkit-config, one case per kind the toolkit must refuse: each asserts a clear
 * error naming the file, key or znode at fault and what would be valid, and, against a real
 * 3-server quorum, that the ensemble's whole tree (read with a plain client) is unchanged.
 * Scattered single cases live in {@link ToolkitSettingsTest}, {@code ConfigStoreTest} and
 * {@code SnapshotFormatTest}; the fuzz tests ({@code SettingsFuzzTest},
 * {@code SnapshotFormatFuzzTest}) cover the parsers with arbitrary bytes.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BadInputBatteryTest {
    private static QuorumClients quorum;
    private static ToolkitClient zk;
    private static CuratorFramework plain;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        quorum = new QuorumClients();
        zk = quorum.open();
        plain = quorum.closeLater(ZnodeTree.plainClient(quorum.connectString()));
    }

    @AfterAll
    static void stop() {
        quorum.close();
    }

    @Test
    void malformedOrTruncatedPropertiesFilesNameTheFileAndStartNothing() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("dangling-continuation", utf8("zk.connect=zk1:2181,\\"));
        files.put("bad-unicode-escape", utf8("zk.namespace=etl\\u00g1\n"));
        files.put("binary-garbage", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, (byte) 0xff, '\n'});
        files.put("nul-in-key", utf8("zk.conn\u0000ect=zk1:2181\n"));
        files.put("cut-mid-key", utf8("zk.connect=zk1:2181\nzk.retry.max.re"));
        Map<String, String> expected = Map.of(
                "dangling-continuation", "zk.connect: value 'zk1:2181,'",
                "bad-unicode-escape", "the file is malformed",
                "binary-garbage", "not valid UTF-8 (first bad byte on line 1)",
                "nul-in-key", "unknown key; did you mean zk.connect?",
                "cut-mid-key", "zk.retry.max.re: unknown key; did you mean zk.retry.max.retries?");
        for (var file : files.entrySet()) {
            Path path = dir.resolve(file.getKey() + ".properties");
            Files.write(path, file.getValue());
            assertThatThrownBy(() -> ToolkitClient.open(path)).as(file.getKey())
                    .isInstanceOf(SettingsException.class)
                    .hasMessageContaining(path.toString())
                    .hasMessageContaining(expected.get(file.getKey()));
        }
    }

    @Test
    void wrongTypesNameEveryKeyAndWhatIsValid() throws Exception {
        Path path = dir.resolve("types.properties");
        Files.writeString(path, String.join("\n", "zk.session.timeout=30 sec", "zk.retry.max.retries=-1",
                "zk.tls.enabled=yes", "zk.retry.policy=linear", "zk.ownership.lost.on=never", "zk.connection.timeout=1.5s", ""));
        assertThatThrownBy(() -> ToolkitSettings.load(path))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(path + " (6 problems)")
                .hasMessageContaining("zk.session.timeout: value '30 sec': expected a whole number with a unit")
                .hasMessageContaining("zk.retry.max.retries: value '-1': expected a whole number from 0 to 29")
                .hasMessageContaining("zk.tls.enabled: value 'yes': expected true or false")
                .hasMessageContaining("zk.retry.policy: value 'linear': expected one of exponential, fixed, forever, none")
                .hasMessageContaining("zk.ownership.lost.on: value 'never': expected one of suspended, lost")
                .hasMessageContaining("zk.connection.timeout: value '1.5s'");
    }

    @Test
    void invalidNamespacesAreRefusedNamingTheKey() {
        for (String bad : new String[] {"/etl", "etl/", "team//etl", "..", "team/../etl", ".", "team/./etl",
                "te\u0000am", "te\u0001am", "zookeeper", "zookeeper/quota", "team/" + "e".repeat(196)}) {
            assertThatThrownBy(() -> ToolkitSettings.fromMap(Map.of("zk.namespace", bad), "ns.properties",
                    new io.zktoolkit.config.settings.Interpolator(k -> null, k -> null, null))).as(bad)
                    .isInstanceOf(SettingsException.class)
                    .hasMessageContaining("Invalid settings in ns.properties: zk.namespace: value '")
                    .hasMessageMatching("(?s).*(must not start or end with '/'|not a valid znode path|reserved by ZooKeeper"
                            + "|201 characters long; at most 200).*");
        }
        String longest = "team/" + "e".repeat(195);
        assertThat(ToolkitSettings.fromMap(Map.of("zk.namespace", longest), "ns.properties",
                new io.zktoolkit.config.settings.Interpolator(k -> null, k -> null, null)).namespace()).isEqualTo(longest);
    }

    @Test
    void invalidSetNamesAreRefusedBeforeAnyZooKeeperCall() throws Exception {
        ConfigStore store = ConfigStore.builder(zk).author("battery").build();
        store.publish(ConfigUpdate.on(store.read("battery/names")).set("k", "v"));
        Map<String, String> before = ZnodeTree.read(plain);
        for (String bad : new String[] {"", "/jobs/x", "jobs/", "jobs//x", "..", "jobs/../x", ".", "jobs/./x",
                "jobs/\u0000x", "jobs/x\ny", "jobs x", "x".repeat(401), "-x"}) {
            for (Executable call : new Executable[] {() -> store.read(bad), () -> store.history(bad), () -> store.watch(bad),
                    () -> store.rollback(bad, 1, 1), () -> store.exportProperties(bad, dir.resolve("out.properties"))}) {
                assertThatThrownBy(call::execute).as("'%s'", bad)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("Configuration set name")
                        .hasMessageContaining("expected " + ConfigSetName.VALID)
                        .hasMessageNotContaining("\u0000");
            }
        }
        assertThat(ZnodeTree.read(plain)).isEqualTo(before);
        assertThat(dir.resolve("out.properties")).doesNotExist();
    }

    @Test
    void aVersionOverTheNodeSizeLimitIsRefusedNamingTheSetTheLimitAndTheLargestKey() throws Exception {
        ConfigStore store = ConfigStore.builder(zk).author("battery").build();
        ConfigSnapshot v1 = store.publish(ConfigUpdate.on(store.read("battery/size")).set("small", "1"));
        Map<String, String> before = ZnodeTree.read(plain);
        assertThatThrownBy(() -> store.publish(ConfigUpdate.on(v1).set("a", "x".repeat(1000)).set("blob", "y".repeat(700_000))))
                .isInstanceOf(ConfigTooLargeException.class)
                .hasMessageContaining("Configuration set battery/size would be")
                .hasMessageContaining("jute.maxbuffer (" + 0xfffff + " bytes)")
                .hasMessageContaining("Nothing was written")
                .hasMessageContaining("the largest entry is key 'blob' (700004 bytes)");
        assertThat(ZnodeTree.read(plain)).isEqualTo(before);
    }

    @Test
    void foreignBytesInConfigZnodesAreReportedWithTheirPathAndNeverRepaired() throws Exception {
        ConfigStore store = ConfigStore.builder(zk).author("battery").build();
        String set = "battery/foreign";
        store.publish(ConfigUpdate.on(store.read(set)).set("k", "v"));
        String current = "/zktoolkit/config/sets/" + set;
        String kept = "/zktoolkit/config/history/" + set + "/" + plain.getChildren().forPath("/zktoolkit/config/history/" + set).get(0);
        Map<String, byte[]> foreign = new LinkedHashMap<>();
        foreign.put("not UTF-8", new byte[] {(byte) 0xc3, 0x28, (byte) 0xff});
        foreign.put("not a ZK Toolkit configuration snapshot", utf8("{\"k\":\"v\"}"));
        foreign.put("not a ZK Toolkit configuration snapshot (expected a first line", utf8("#zktoolkit-config v1\n#vers"));
        for (var bytes : foreign.entrySet()) {
            plain.setData().forPath(current, bytes.getValue());
            plain.setData().forPath(kept, bytes.getValue());
            Map<String, String> before = ZnodeTree.read(plain);
            assertThatThrownBy(() -> store.read(set)).isInstanceOf(CorruptConfigException.class)
                    .hasMessageContaining("Configuration znode " + current + " is corrupt: the data is " + bytes.getKey());
            assertThatThrownBy(() -> store.publish(ConfigUpdate.on(ConfigSnapshot.absent(ConfigSetName.of(set))).set("k", "w")))
                    .isInstanceOf(CorruptConfigException.class).hasMessageContaining(current);
            assertThatThrownBy(() -> store.history(set)).isInstanceOf(CorruptConfigException.class)
                    .hasMessageContaining(kept);
            assertThatThrownBy(() -> store.rollback(set, 1, 1)).isInstanceOf(CorruptConfigException.class);
            assertThat(ZnodeTree.read(plain)).as(bytes.getKey()).isEqualTo(before);
        }
    }

    /**
     * A namespace that does not exist yet is not an error: Curator creates it, empty, on the
     * client's first operation (even a read), and the toolkit reads it as holding nothing.
     */
    @Test
    void aNamespaceThatDoesNotExistReadsAsEmpty() throws Exception {
        try (ToolkitClient other = ToolkitClient.open(ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, quorum.connectString())
                .set(ToolkitKeys.NAMESPACE, "battery-absent/team")
                .set(ToolkitKeys.CONNECTION_TIMEOUT, Duration.ofSeconds(5)).build())) {
            assertThat(plain.checkExists().forPath("/battery-absent")).isNull();
            ConfigStore store = ConfigStore.builder(other).build();
            assertThat(store.read("jobs/x").version()).isZero();
            assertThat(store.sets()).isEmpty();
            assertThat(store.history("jobs/x")).isEmpty();
            assertThat(plain.checkExists().forPath("/battery-absent/team")).isNotNull();
            assertThat(plain.getChildren().forPath("/battery-absent/team")).isEmpty();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
