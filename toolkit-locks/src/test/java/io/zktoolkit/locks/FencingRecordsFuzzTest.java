package io.zktoolkit.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes what the lock recipes read back from ZooKeeper about holders and fencing tokens: the
 * leader breadcrumb (participant, token, time), the holder data of a lock node, and the names of
 * shared-exclusive queue nodes. Properties: foreign data is refused with the documented exception
 * naming the path (breadcrumb), read as unknown (holder), or not taken for a queue node (names);
 * never another exception; what the toolkit writes reads back the same. In a normal build this
 * replays {@code FencingRecordsFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (module README).
 */
class FencingRecordsFuzzTest {
    private static final String PATH = "/elections/fuzz/breadcrumb";

    @FuzzTest(maxDuration = "60s")
    void breadcrumbBytes(byte[] data) {
        Breadcrumb read;
        try {
            read = Breadcrumb.decode(PATH, data);
        } catch (IllegalStateException e) {
            assertThat(e.getMessage()).startsWith("Breadcrumb " + PATH + " is not a ZK Toolkit breadcrumb");
            return;
        }
        assertThat(Breadcrumb.decode(PATH, read.encode())).isEqualTo(read);
    }

    /** Replaced bytes would make a participant id that names someone else, who might then be fenced. */
    @Test
    void aBreadcrumbThatIsNotUtf8IsRefusedNamingThePath() {
        byte[] latin1 = "r\u00e9gion-a\n7\n1700000000000".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> Breadcrumb.decode(PATH, latin1)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Breadcrumb " + PATH + " is not a ZK Toolkit breadcrumb")
                .hasMessageContaining("bytes are not UTF-8 text");
    }

    @Test
    void aHolderThatIsNotUtf8ReadsAsUnknown() {
        Holder read = Holder.decode("host=h\u00f4te\npid=42\njob=etl".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(read.host()).isEqualTo("unknown");
        assertThat(read.job()).isEqualTo("unknown");
        assertThat(Holder.decode("host=h\u00f4te\npid=42\njob=etl".getBytes(StandardCharsets.UTF_8)).host()).isEqualTo("h\u00f4te");
    }

    @FuzzTest(maxDuration = "60s")
    void breadcrumbRoundTrip(FuzzedDataProvider in) {
        Breadcrumb written = new Breadcrumb(in.consumeString(40).replace("\n", ""), in.consumeLong(),
                Instant.ofEpochMilli(in.consumeLong(-1L << 50, 1L << 50)));
        Breadcrumb read = Breadcrumb.decode(PATH, written.encode());
        assertThat(read.token()).isEqualTo(written.token());
        assertThat(read.since()).isEqualTo(written.since());
        assertThat(read.participantId()).isEqualTo(StandardCharsets.UTF_8.decode(
                StandardCharsets.UTF_8.encode(written.participantId())).toString());
    }

    @FuzzTest(maxDuration = "60s")
    void holderBytes(byte[] data) {
        Holder read = Holder.decode(data);
        assertThat(read.host()).isNotNull();
        assertThat(read.job()).isNotNull();
    }

    /** Any child of a lock queue, including nodes another tool made there. */
    @FuzzTest(maxDuration = "60s")
    void queueNodeName(byte[] name) {
        Optional<LockRequest> parsed = QueueNodeName.parse(new String(name, StandardCharsets.UTF_8));
        parsed.ifPresent(r -> assertThat(QueueNodeName.parse(QueueNodeName.prefix(r) + "0000000007")).contains(r));
    }

    @FuzzTest(maxDuration = "60s")
    void queueNodeNameRoundTrip(FuzzedDataProvider in) {
        List<String> object = new ArrayList<>();
        int segments = in.consumeInt(0, 4);
        for (int i = 0; i < segments; i++) {
            String segment = in.consumeString(12).replace("/", "");
            object.add(segment.isEmpty() ? "s" : segment);
        }
        LockRequest request = new LockRequest(object, in.pickValue(LockMode.values()));
        String name = (in.consumeBoolean() ? "_c_0123abcd-0123-4567-89ab-0123456789ab-" : "")
                + QueueNodeName.prefix(request) + String.format("%010d", in.consumeInt(0, Integer.MAX_VALUE));
        assertThat(QueueNodeName.parse(name)).as(name).contains(request);
    }
}
