package io.zktoolkit.config.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Fuzzes the stored configuration format ({@link SnapshotFormat}). Properties: any bytes in a
 * configuration znode decode or fail with {@link CorruptConfigException} naming the path, never
 * another exception; what decodes re-encodes to bytes that decode to the same snapshot; any
 * snapshot a writer can build survives encode then decode unchanged. In a normal build this
 * replays {@code SnapshotFormatFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (module README).
 */
class SnapshotFormatFuzzTest {
    private static final ConfigSetName NAME = ConfigSetName.of("jobs/fuzz");
    private static final String PATH = "/zktoolkit/config/sets/jobs/fuzz";

    @FuzzTest(maxDuration = "60s")
    void decodeZnodeBytes(byte[] data) {
        ConfigSnapshot decoded;
        try {
            decoded = SnapshotFormat.decode(NAME, PATH, data);
        } catch (CorruptConfigException e) {
            assertThat(e.getMessage()).startsWith("Configuration znode " + PATH + " is corrupt: ");
            return;
        }
        assertSame(SnapshotFormat.decode(NAME, PATH, SnapshotFormat.encode(decoded)), decoded);
    }

    @FuzzTest(maxDuration = "60s")
    void encodeThenDecode(FuzzedDataProvider in) {
        Map<String, String> entries = new TreeMap<>();
        int count = in.consumeInt(0, 6);
        for (int i = 0; i < count; i++) {
            entries.put(in.consumeString(20), in.consumeString(40));
        }
        TreeSet<String> secrets = new TreeSet<>();
        entries.keySet().stream().filter(k -> !k.contains(",") && !k.isEmpty() && in.consumeBoolean()).forEach(secrets::add);
        ConfigSnapshot written = new ConfigSnapshot(NAME, in.consumeLong(1, Long.MAX_VALUE), entries, secrets,
                in.consumeString(30), Instant.ofEpochMilli(in.consumeLong(-1L << 50, 1L << 50)), in.consumeRemainingAsString());
        assertSame(SnapshotFormat.decode(NAME, PATH, SnapshotFormat.encode(written)), written);
    }

    private static void assertSame(ConfigSnapshot actual, ConfigSnapshot expected) {
        assertThat(actual.entries()).isEqualTo(expected.entries());
        assertThat(actual.secretKeys()).isEqualTo(expected.secretKeys());
        assertThat(actual.version()).isEqualTo(expected.version());
        assertThat(actual.author()).isEqualTo(expected.author());
        assertThat(actual.time()).isEqualTo(expected.time());
        assertThat(actual.comment()).isEqualTo(expected.comment());
    }
}
