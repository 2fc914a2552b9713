package io.zktoolkit.benchmarks;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.live.ConfigUpdate;
import io.zktoolkit.config.live.LiveConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reads of one configuration value per second on an embedded standalone server: a
 * {@code LiveConfig} snapshot served from memory against a Curator {@code getData} round trip per
 * read. Each trial reads in a loop for a fixed slice of time.
 */
public final class SnapshotReadCase extends ThroughputCase {
    private static final String SET = "bench/reads";
    private static final String PATH = "/bench/reads";
    private static final String KEY = "key";
    private static final String VALUE = "jdbc:postgresql://db.example.com:5432/orders";
    /** Reads between clock checks: a clock read costs about as much as a snapshot read. */
    private static final int BATCH = 64;

    private ToolkitClient zk;
    private LiveConfig live;
    /** Every value read ends up here, so the JIT cannot drop a read whose result is unused. */
    private long consumed;

    /**
     * @param slice how long a trial reads
     * @param warmups warmup trials per side
     * @param trials measured trials per side
     */
    public SnapshotReadCase(Duration slice, int warmups, int trials) {
        super(slice, warmups, trials);
    }

    /** 200 ms slices, 5 warmups (the JIT compiles the loops) and 20 trials per side: about 10 s. */
    public static SnapshotReadCase standard() {
        return new SnapshotReadCase(Duration.ofMillis(200), 5, 20);
    }

    @Override
    public String name() {
        return "snapshot reads per second, embedded standalone";
    }

    @Override
    public void setUp() throws Exception {
        zk = ToolkitClient.open(ToolkitSettings.defaults());
        ConfigStore store = ConfigStore.builder(zk).build();
        store.publish(ConfigUpdate.on(store.read(SET)).set(KEY, VALUE));
        live = store.watch(SET);
        live.start();
        zk.curator().create().creatingParentsIfNeeded().forPath(PATH, VALUE.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void tearDown() {
        if (live != null) {
            live.close();
        }
        if (zk != null) {
            zk.close();
        }
    }

    @Override
    public Side toolkit() {
        return new Side("liveConfig.snapshot().getString(\"" + KEY + "\", null) in a loop for " + slice().toMillis()
                + " ms", () -> readsPerSecond(() -> live.snapshot().getString(KEY, null)));
    }

    @Override
    public Side baseline() {
        return new Side("new String(curator.getData().forPath(znode), UTF_8) in a loop for " + slice().toMillis() + " ms",
                () -> readsPerSecond(() -> new String(zk.curator().getData().forPath(PATH), StandardCharsets.UTF_8)));
    }

    private double readsPerSecond(Read read) throws Exception {
        long reads = 0;
        long chars = 0;
        long start = System.nanoTime();
        long deadline = start + slice().toNanos();
        long now;
        do {
            for (int i = 0; i < BATCH; i++) {
                chars += read.value().length();
            }
            reads += BATCH;
            now = System.nanoTime();
        } while (now < deadline);
        // Also proves every read returned the published value, not a stale or empty one.
        if (chars != reads * VALUE.length()) {
            throw new IllegalStateException("reads returned " + chars + " characters, expected " + reads + " × "
                    + VALUE.length());
        }
        consumed += chars;
        return reads * 1e9 / (now - start);
    }

    /** One read of the value. */
    @FunctionalInterface
    private interface Read {
        String value() throws Exception;
    }
}
