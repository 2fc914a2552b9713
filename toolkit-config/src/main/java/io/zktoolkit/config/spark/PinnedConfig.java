package io.zktoolkit.config.spark;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.live.ConfigSetName;
import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.live.ConfigValueException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One version of a configuration set, chosen on the driver and read by executor tasks through
 * their own ZooKeeper client: every task of a batch then uses the same version, whichever
 * executor runs it and whenever it starts, even when a new version is published meanwhile.
 *
 * <pre>{@code
 * // driver, in foreachBatch:
 * PinnedConfig pinned = batchConfig.pinForBatch(batchId);              // LiveBatchConfig
 * batch.mapPartitions(rows -> {
 *     // executor: its JVM's shared client (e.g. locks.spark.ExecutorClients.client(settings))
 *     int multiplier = pinned.read(client).getInt("job.multiplier", 1);
 *     ...
 * }, encoder);
 * }</pre>
 *
 * <p>A pinned config is small and serializable (set name, version, store root), unlike a
 * {@link ConfigSnapshot}. {@link #read} reads that version from the store's history once per
 * JVM and ensemble, then serves it from memory: a version never changes once published, so an
 * executor running thousands of tasks on one version makes one ZooKeeper read. Reading the
 * <em>latest</em> version in tasks instead would let one batch mix versions: a task started after
 * a publish would see the new value while its siblings used the old one.
 *
 * <p>The store keeps the last N versions ({@link ConfigStore.Builder#historySize}, default 20);
 * a version pinned longer than N publishes ago can no longer be read. Immutable, thread-safe.
 */
public final class PinnedConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Versions kept in memory per JVM; each is one set's entries, and executors rarely use more than a few. */
    static final int CACHED_VERSIONS = 64;
    private static final Map<String, ConfigSnapshot> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ConfigSnapshot> eldest) {
            return size() > CACHED_VERSIONS;
        }
    };

    private final String set;
    private final long version;
    private final String storeRoot;

    private PinnedConfig(String set, long version, String storeRoot) {
        this.set = set;
        this.version = version;
        this.storeRoot = storeRoot;
    }

    /**
     * Pins a published version.
     *
     * @param storeRoot the root of the store it came from ({@link ConfigStore#root()})
     * @throws IllegalArgumentException for a snapshot of a set never published (version 0): there
     *         is nothing an executor could read
     */
    public static PinnedConfig of(ConfigSnapshot snapshot, String storeRoot) {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(storeRoot, "storeRoot");
        if (!snapshot.exists()) {
            throw new IllegalArgumentException("Configuration set " + snapshot.name() + " was never published"
                    + " (version 0); publish a first version before pinning it for executors");
        }
        return new PinnedConfig(snapshot.name().value(), snapshot.version(), storeRoot);
    }

    /** The set's name. */
    public String set() {
        return set;
    }

    /** The pinned version. */
    public long version() {
        return version;
    }

    /** The root of the store the version is read from. */
    public String storeRoot() {
        return storeRoot;
    }

    /**
     * The pinned version's content, from this JVM's memory or else from ZooKeeper through
     * {@code client} (which the caller owns and keeps open).
     *
     * @throws ConfigValueException when the store no longer keeps the version (too many publishes
     *         since it was pinned), naming the set and version
     * @throws io.zktoolkit.config.live.ConfigStoreException when ZooKeeper cannot be read; in a
     *         Spark task this fails the task, which Spark runs again
     */
    public ConfigSnapshot read(ToolkitClient client) {
        String key = client.connectString() + "|" + client.curator().getNamespace() + "|" + storeRoot + "|" + set
                + "|" + version;
        synchronized (CACHE) {
            ConfigSnapshot cached = CACHE.get(key);
            if (cached != null) {
                return cached;
            }
        }
        // Read outside the lock: two tasks may both read a new version once, but a slow read of
        // one version never holds up tasks on another.
        ConfigSnapshot read = ConfigStore.builder(client).root(storeRoot).build().readVersion(ConfigSetName.of(set), version);
        synchronized (CACHE) {
            CACHE.put(key, read);
        }
        return read;
    }

    /** Forgets every cached version (for tests). */
    static void clearCache() {
        synchronized (CACHE) {
            CACHE.clear();
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PinnedConfig p && p.version == version && p.set.equals(set) && p.storeRoot.equals(storeRoot);
    }

    @Override
    public int hashCode() {
        return Objects.hash(set, version, storeRoot);
    }

    @Override
    public String toString() {
        return "configuration set " + set + " v" + version + " (store " + storeRoot + ")";
    }
}
