package io.zktoolkit.sync.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.zktoolkit.locks.Holder;
import io.zktoolkit.sync.CorruptSyncDataException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the checkpoint znode format, where each record carries the writer's fencing token.
 * Properties: any bytes either decode or fail with {@link CorruptSyncDataException} naming the
 * path (a checkpoint is never silently reset); never another exception; what decodes re-encodes
 * to the same records; any records a writer can produce survive encode then decode. In a normal
 * build this replays {@code CheckpointFormatFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class CheckpointFormatFuzzTest {
    private static final String PATH = "/checkpoints/imports/orders";

    @FuzzTest(maxDuration = "60s")
    void znodeBytes(byte[] data) {
        CheckpointSnapshot read;
        try {
            read = CheckpointFormat.decode("imports/orders", PATH, data, 3);
        } catch (CorruptSyncDataException e) {
            assertThat(e.path()).isEqualTo(PATH);
            assertThat(e.getMessage()).startsWith("Znode " + PATH + " does not hold data this toolkit wrote: ");
            return;
        }
        CheckpointSnapshot again = CheckpointFormat.decode("imports/orders", PATH,
                CheckpointFormat.encode(read.current().orElseThrow(), read.history()), 3);
        assertThat(again.current()).isEqualTo(read.current());
        assertThat(again.history()).isEqualTo(read.history());
    }

    @FuzzTest(maxDuration = "60s")
    void recordsRoundTrip(FuzzedDataProvider in) {
        List<CheckpointRecord> records = new ArrayList<>();
        int count = in.consumeInt(1, 4);
        for (int i = 0; i < count; i++) {
            records.add(new CheckpointRecord(in.consumeString(30), in.consumeLong(), in.consumeString(10),
                    new Holder(in.consumeString(10), in.consumeLong(), in.consumeString(10)),
                    Instant.ofEpochMilli(in.consumeLong(-1L << 50, 1L << 50)), in.consumeString(10)));
        }
        CheckpointSnapshot read = CheckpointFormat.decode("imports/orders", PATH,
                CheckpointFormat.encode(records.get(0), records.subList(1, records.size())), 3);
        assertThat(read.current()).contains(records.get(0));
        assertThat(read.history()).isEqualTo(records.subList(1, records.size()));
    }
}
