package io.zktoolkit.config.spark;

import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.LiveConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live configuration a running Spark driver reads between jobs or micro-batches: each batch
 * takes one snapshot at its start and uses it throughout, and the version it used is remembered.
 *
 * <pre>{@code
 * LiveBatchConfig config = new LiveBatchConfig(live);        // a started LiveConfig
 * query = df.writeStream().foreachBatch((batch, id) -> {
 *     int multiplier = config.forBatch(id).getInt("job.multiplier", 1);
 *     batch.selectExpr("value * " + multiplier).write()...;
 * }).start();
 * config.versionUsedBy(7);                                    // e.g. OptionalLong[3]
 * }</pre>
 *
 * <p>Why one snapshot per batch: a publish can land while a batch runs, and two reads of the live
 * view could then mix old and new values within one batch. Read values on the driver and let
 * closures capture the values, not the snapshot (it is not serializable); or let closures capture
 * {@link #pinForBatch}'s {@link PinnedConfig}, which executor tasks read with their own client.
 *
 * <p>The caller owns the {@link LiveConfig} and closes it. Thread-safe.
 */
public final class LiveBatchConfig {
    /** Batches remembered; the oldest are forgotten so a streaming query running for months stays small. */
    public static final int KEPT_BATCHES = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(LiveBatchConfig.class);

    private final LiveConfig live;
    private final Map<Long, Long> versionByBatch = new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > KEPT_BATCHES;
        }
    };
    private ConfigSnapshot lastUsed;
    private boolean lastStale;

    /** A view on {@code live}, which must be started before the first batch. */
    public LiveBatchConfig(LiveConfig live) {
        this.live = Objects.requireNonNull(live, "live");
    }

    /**
     * The snapshot batch {@code batchId} is to use, without a ZooKeeper round trip; its version is
     * recorded for {@link #versionUsedBy}. A batch run again (a retry) gets the then current
     * version, and the record says so.
     *
     * @throws IllegalStateException when the live view is not started or already closed
     */
    public synchronized ConfigSnapshot forBatch(long batchId) {
        if (live.state() != LiveConfig.State.STARTED) {
            // Not started it holds version 0; closed it no longer follows publishes: either would be silently wrong.
            throw new IllegalStateException("LiveConfig of " + live.name() + " is " + live.state()
                    + "; batch " + batchId + " needs a started one");
        }
        ConfigSnapshot snapshot = live.snapshot();
        boolean stale = live.isStale();
        versionByBatch.remove(batchId); // re-insert so a retried batch counts as the newest
        versionByBatch.put(batchId, snapshot.version());
        logTransitions(batchId, snapshot, stale);
        lastUsed = snapshot;
        lastStale = stale;
        return snapshot;
    }

    /**
     * As {@link #forBatch}, as a {@link PinnedConfig} that the batch's closures capture, so that
     * its executor tasks read exactly this version through their own ZooKeeper client.
     *
     * @throws IllegalStateException as {@link #forBatch}
     * @throws IllegalArgumentException when the set was never published
     */
    public PinnedConfig pinForBatch(long batchId) {
        return PinnedConfig.of(forBatch(batchId), live.storeRoot());
    }

    /** The version batch {@code batchId} used, if it is among the last {@value #KEPT_BATCHES} batches. */
    public synchronized OptionalLong versionUsedBy(long batchId) {
        Long version = versionByBatch.get(batchId);
        return version == null ? OptionalLong.empty() : OptionalLong.of(version);
    }

    /** The live view read. */
    public LiveConfig live() {
        return live;
    }

    /** Logs only when something changed, so a query with a batch every second does not flood the log. */
    private void logTransitions(long batchId, ConfigSnapshot snapshot, boolean stale) {
        if (lastUsed == null || lastUsed.version() != snapshot.version()) {
            LOG.info("Batch {} uses {}{}", batchId, snapshot.describeSource(),
                    lastUsed == null ? "" : " (was v" + lastUsed.version() + ")");
            if (lastUsed != null) {
                List<String> sparkKeys = snapshot.changedKeys(lastUsed).stream()
                        .filter(k -> k.startsWith(SparkConfFromConfigSet.PREFIX)).toList();
                if (!sparkKeys.isEmpty()) {
                    LOG.warn("{} changed {}; a running application keeps the values it started with, so they"
                            + " take effect at its next start",
                            snapshot.describeSource(), sparkKeys);
                }
            }
        }
        if (stale && !lastStale) {
            LOG.warn("Batch {} uses {} while the live view is stale (ZooKeeper unreachable or the latest version"
                    + " unreadable); it may be behind", batchId, snapshot.describeSource());
        }
    }
}
