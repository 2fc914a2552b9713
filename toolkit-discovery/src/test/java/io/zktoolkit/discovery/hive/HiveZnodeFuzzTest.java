package io.zktoolkit.discovery.hive;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the reader of HiveServer2 registration znodes in both of Hive's formats: the
 * {@code key=value;} pairs (and legacy {@code host:port}) of {@code serviceDiscoveryMode=zooKeeper},
 * and the JSON service record of {@code zooKeeperHA}. Properties: any bytes either read as an
 * endpoint or fail with {@link IllegalArgumentException} saying what is wrong (the resolver then
 * skips that znode with a warning); never another exception; an endpoint read back is written
 * again as data that reads to the same endpoint. In a normal build this replays
 * {@code HiveZnodeFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (see the module README).
 */
class HiveZnodeFuzzTest {
    private static final HiveZnodeLayout PLAIN = new HiveZnodeLayout(HiveDiscoveryMode.ZOOKEEPER, "hiveserver2", false);
    private static final HiveZnodeLayout HA = new HiveZnodeLayout(HiveDiscoveryMode.ZOOKEEPER_HA, "hiveserver2", false);

    @FuzzTest(maxDuration = "60s")
    void plainZnodeData(byte[] data) {
        readAndRewrite(PLAIN, "/hiveserver2/serverUri=h:10000;version=4.0.1;sequence=0000000001", data);
    }

    @FuzzTest(maxDuration = "60s")
    void haServiceRecord(byte[] data) {
        readAndRewrite(HA, "/hiveserver2-unsecure/instances/instance-0000000001", data);
    }

    private static void readAndRewrite(HiveZnodeLayout layout, String path, byte[] data) {
        HiveServerInstance read;
        try {
            read = layout.parse(path, data);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        HiveServerInstance again = layout.parse(path, layout.data(read.endpoint(), "id", read.active()));
        assertThat(again.endpoint()).isEqualTo(read.endpoint());
        assertThat(again.active()).isEqualTo(read.active());
    }
}
