package io.zktoolkit.config.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SnapshotFormatTest {
    private static final ConfigSetName NAME = ConfigSetName.of("jobs/daily-orders");

    @Test
    void everyCharacterSurvivesARoundTrip() {
        Map<String, String> entries = new TreeMap<>();
        entries.put("plain", "value");
        entries.put("with=equals", "a=b=c");
        entries.put("#hash-first", "#not a comment");
        entries.put("multi\nline\\key", "line1\nline2\r\nback\\slash");
        entries.put("unicode", "caf\u00e9 \u65e5\u672c \ud83d\ude80");
        entries.put("empty", "");
        ConfigSnapshot s = new ConfigSnapshot(NAME, 42, entries, new TreeSet<>(java.util.Set.of("plain")),
                "alice@edge=1", Instant.ofEpochMilli(1_700_000_000_123L), "why:\nbecause=reasons");
        ConfigSnapshot back = SnapshotFormat.decode(NAME, "/p", SnapshotFormat.encode(s));
        assertThat(back.entries()).isEqualTo(entries);
        assertThat(back.version()).isEqualTo(42);
        assertThat(back.author()).isEqualTo("alice@edge=1");
        assertThat(back.comment()).isEqualTo("why:\nbecause=reasons");
        assertThat(back.time()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
        assertThat(back.secretKeys()).containsExactly("plain");
        assertThat(SnapshotFormat.encode(back)).isEqualTo(SnapshotFormat.encode(s));
    }

    @Test
    void foreignOrDamagedDataIsCorruptNamingThePath() {
        assertCorrupt(new byte[] {(byte) 0xff, (byte) 0xfe}, "not UTF-8");
        assertCorrupt("hello world".getBytes(StandardCharsets.UTF_8), "not a ZK Toolkit configuration snapshot");
        assertCorrupt("{\"json\":true}\n".getBytes(StandardCharsets.UTF_8), "not a ZK Toolkit configuration snapshot");
        String valid = new String(SnapshotFormat.encode(new ConfigSnapshot(NAME, 1, Map.of("k", "v"), new TreeSet<>(),
                "a", Instant.EPOCH, "")), StandardCharsets.UTF_8);
        assertCorrupt(valid.replace("#version=1", "#version=x").getBytes(StandardCharsets.UTF_8), "not a number");
        assertCorrupt(valid.replace("#version=1", "#version=0").getBytes(StandardCharsets.UTF_8), "not positive");
        assertCorrupt(valid.replace("k=v\n", "kv\n").getBytes(StandardCharsets.UTF_8), "has no '='");
        assertCorrupt(valid.replace("k=v\n", "k=v\\q\n").getBytes(StandardCharsets.UTF_8), "unknown escape");
        assertCorrupt(valid.replace("k=v\n", "k=v\nk=w\n").getBytes(StandardCharsets.UTF_8), "repeats a key");
        assertCorrupt(valid.replace("#secret=", "#secret=missing").getBytes(StandardCharsets.UTF_8), "are not all present");
        assertCorrupt(valid.replace("#comment=\n", "").getBytes(StandardCharsets.UTF_8), "expected metadata");
        assertCorrupt(valid.substring(0, valid.length() - 1).getBytes(StandardCharsets.UTF_8), "final newline");
    }

    private static void assertCorrupt(byte[] data, String problem) {
        assertThatThrownBy(() -> SnapshotFormat.decode(NAME, "/zktoolkit/config/sets/jobs/daily-orders", data))
                .isInstanceOf(CorruptConfigException.class)
                .hasMessageContaining("/zktoolkit/config/sets/jobs/daily-orders")
                .hasMessageContaining(problem);
    }

    @Test
    void setNamesThatCouldEscapeTheirPathAreRejected() {
        for (String bad : new String[] {"", "/abs", "a//b", "a/../b", "..", "a/.hidden", "-x", "tab\tname",
                "x".repeat(401), "a/b/", "sp ace"}) {
            assertThatThrownBy(() -> ConfigSetName.of(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected segments of letters");
        }
        assertThatThrownBy(() -> ConfigSetName.of("a\u0001b")).hasMessageContaining("\\u0001");
        assertThat(ConfigSetName.of("jobs/daily-orders_v2.1").value()).isEqualTo("jobs/daily-orders_v2.1");
    }
}
