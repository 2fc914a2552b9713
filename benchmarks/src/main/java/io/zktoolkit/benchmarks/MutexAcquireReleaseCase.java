package io.zktoolkit.benchmarks;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.locks.FencedMutex;
import io.zktoolkit.locks.LockLease;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;

/**
 * Uncontended acquire + release per second on an embedded 3-server quorum: the toolkit's
 * {@link FencedMutex} (which also yields a fencing token) against Curator's plain
 * {@link InterProcessMutex} on the same ensemble and client. Each trial locks and unlocks in a
 * loop for a fixed slice of time.
 */
public final class MutexAcquireReleaseCase extends ThroughputCase {
    private ToolkitClient zk;
    private FencedMutex fenced;
    private InterProcessMutex plain;

    /**
     * @param slice how long a trial locks and unlocks
     * @param warmups warmup trials per side
     * @param trials measured trials per side
     */
    public MutexAcquireReleaseCase(Duration slice, int warmups, int trials) {
        super(slice, warmups, trials);
    }

    /** 1 s slices, 2 warmups and 20 trials per side (fewer cannot tell the two apart on 2 cores): about 45 s. */
    public static MutexAcquireReleaseCase standard() {
        return new MutexAcquireReleaseCase(Duration.ofSeconds(1), 2, 20);
    }

    @Override
    public String name() {
        return "mutex acquire+release per second, uncontended, 3-server ensemble";
    }

    @Override
    public void setUp() {
        zk = ToolkitClient.open(ToolkitSettings.builder().set(ToolkitKeys.EMBEDDED_SERVERS, 3).build());
        fenced = new FencedMutex(zk.curator(), "/bench/fenced-mutex");
        plain = new InterProcessMutex(zk.curator(), "/bench/plain-mutex");
    }

    @Override
    public void tearDown() {
        if (zk != null) {
            zk.close();
        }
    }

    @Override
    public Side toolkit() {
        return new Side("FencedMutex.acquire(30s) then LockLease.release(), token read each time, in a loop for "
                + slice().toMillis() + " ms", () -> perSecond(() -> {
                    try (LockLease lease = fenced.acquire(Duration.ofSeconds(30)).orElseThrow()) {
                        if (lease.token() <= 0) {
                            throw new IllegalStateException("no fencing token for " + lease);
                        }
                    }
                }));
    }

    @Override
    public Side baseline() {
        return new Side("InterProcessMutex.acquire(30, SECONDS) then release(), in a loop for " + slice().toMillis() + " ms",
                () -> perSecond(() -> {
                    if (!plain.acquire(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("uncontended acquire timed out");
                    }
                    plain.release();
                }));
    }
}
