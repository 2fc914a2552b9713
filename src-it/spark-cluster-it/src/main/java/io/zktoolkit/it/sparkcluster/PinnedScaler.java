package io.zktoolkit.it.sparkcluster;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.spark.PinnedConfig;
import io.zktoolkit.locks.spark.ExecutorClients;
import io.zktoolkit.locks.spark.PortableSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * The executor side of a streaming query whose output depends on live configuration: each task of
 * a micro-batch reads the version its driver pinned for the batch ({@link PinnedConfig}) through
 * its executor's own ZooKeeper client, and scales its rows by that version's
 * {@value #KEY}. For comparison it also reads the set's latest version at the same moment: what a
 * task reading "the current config" would have used.
 *
 * <p>Output, one line per task then one per row:
 * {@code T|batch|partition|executor|host|pid|pinnedVersion|multiplier|latestVersion} and
 * {@code R|batch|partition|value|scaled}.
 *
 * <p>A held batch (for the test's mid-batch publish): partition 0 writes {@code read-b<batch>}
 * into the signal folder once it has read; partition 1 waits, before reading, for
 * {@code release-b<batch>} to exist, and then reads the latest version until it is at least the
 * version written in that file (a ZooKeeper server may lag a moment behind the publish).
 */
public final class PinnedScaler implements FlatMapFunction<Iterator<Long>, String> {
    private static final long serialVersionUID = 1L;
    public static final String KEY = "job.multiplier";

    private final PortableSettings settings;
    private final PinnedConfig pinned;
    private final long batchId;
    private final String signals;
    private final boolean held;

    public PinnedScaler(PortableSettings settings, PinnedConfig pinned, long batchId, Path signals, boolean held) {
        this.settings = settings;
        this.pinned = pinned;
        this.batchId = batchId;
        this.signals = signals.toAbsolutePath().toString();
        this.held = held;
    }

    public static Path readSignal(Path signals, long batchId) {
        return signals.resolve("read-b" + batchId);
    }

    public static Path releaseSignal(Path signals, long batchId) {
        return signals.resolve("release-b" + batchId);
    }

    @Override
    public Iterator<String> call(Iterator<Long> values) throws Exception {
        int partition = TaskContext.getPartitionId();
        ToolkitClient zk = ExecutorClients.client(settings);
        long mustSee = 0;
        if (held && partition == 1) {
            Path release = releaseSignal(Path.of(signals), batchId);
            long end = System.nanoTime() + 30_000_000_000L;
            while (!Files.exists(release) && System.nanoTime() - end < 0) {
                Thread.sleep(20);
            }
            mustSee = Files.exists(release) ? Long.parseLong(Files.readString(release).trim()) : 0;
        }
        ConfigSnapshot config = pinned.read(zk);
        int multiplier = config.getInt(KEY, -1);
        ConfigStore store = ConfigStore.builder(zk).root(pinned.storeRoot()).build();
        long latest = store.read(pinned.set()).version();
        for (long end = System.nanoTime() + 5_000_000_000L; latest < mustSee && System.nanoTime() - end < 0; ) {
            Thread.sleep(20);
            latest = store.read(pinned.set()).version();
        }
        if (held && partition == 0) {
            Path signal = readSignal(Path.of(signals), batchId);
            Files.createDirectories(signal.getParent());
            Path partial = signal.resolveSibling(signal.getFileName() + ".partial");
            Files.writeString(partial, Long.toString(config.version()));
            Files.move(partial, signal, StandardCopyOption.ATOMIC_MOVE);
        }
        List<String> out = new ArrayList<>();
        out.add(String.join("|", "T", Long.toString(batchId), Integer.toString(partition), SparkEnv.get().executorId(),
                SparkEnv.get().blockManager().blockManagerId().host(), Long.toString(ProcessHandle.current().pid()),
                Long.toString(config.version()), Integer.toString(multiplier), Long.toString(latest)));
        values.forEachRemaining(v -> out.add("R|" + batchId + "|" + partition + "|" + v + "|" + (v * multiplier)));
        return out.iterator();
    }
}
