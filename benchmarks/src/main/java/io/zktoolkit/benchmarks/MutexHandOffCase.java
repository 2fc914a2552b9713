package io.zktoolkit.benchmarks;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.embedded.EmbeddedEnsemble;
import io.zktoolkit.locks.FencedMutex;
import io.zktoolkit.locks.LockLease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;

/**
 * Contended hand-off: 8 clients, each its own ZooKeeper session, take turns on one lock on an
 * embedded 3-server quorum; the sample is hand-offs per second across all of them. The toolkit's
 * {@link FencedMutex} against Curator's plain {@link InterProcessMutex}, same clients and ensemble.
 */
public final class MutexHandOffCase extends ThroughputCase {
    private static final int CLIENTS = 8;

    private EmbeddedEnsemble ensemble;
    private final List<ToolkitClient> clients = new ArrayList<>();

    /**
     * @param slice how long all clients contend in one trial
     * @param warmups warmup trials per side
     * @param trials measured trials per side
     */
    public MutexHandOffCase(Duration slice, int warmups, int trials) {
        super(slice, warmups, trials);
    }

    /** 2 s slices, 1 warmup and 10 trials per side: about 45 s. */
    public static MutexHandOffCase standard() {
        return new MutexHandOffCase(Duration.ofSeconds(2), 1, 10);
    }

    @Override
    public String name() {
        return "mutex hand-offs per second, 8 contending clients, 3-server ensemble";
    }

    @Override
    public void setUp() {
        ensemble = EmbeddedEnsemble.builder().servers(3).build();
        ensemble.start();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(ToolkitClient.open(ToolkitSettings.builder().set(ToolkitKeys.CONNECT, ensemble.connectString()).build()));
        }
    }

    @Override
    public void tearDown() {
        clients.forEach(ToolkitClient::close);
        if (ensemble != null) {
            ensemble.close();
        }
    }

    @Override
    public Side toolkit() {
        return new Side(CLIENTS + " clients loop FencedMutex.acquire(30s) / LockLease.release() on one lock for "
                + slice().toMillis() + " ms", () -> handOffsPerSecond(zk -> {
                    FencedMutex mutex = new FencedMutex(zk.curator(), "/bench/contended-fenced");
                    return () -> {
                        try (LockLease lease = mutex.acquire(Duration.ofSeconds(30)).orElseThrow()) {
                            lease.checkHeld();
                        }
                    };
                }));
    }

    @Override
    public Side baseline() {
        return new Side(CLIENTS + " clients loop InterProcessMutex.acquire(30, SECONDS) / release() on one lock for "
                + slice().toMillis() + " ms", () -> handOffsPerSecond(zk -> {
                    InterProcessMutex mutex = new InterProcessMutex(zk.curator(), "/bench/contended-plain");
                    return () -> {
                        if (!mutex.acquire(30, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("contended acquire timed out");
                        }
                        mutex.release();
                    };
                }));
    }

    private double handOffsPerSecond(CycleFactory factory) throws Exception {
        AtomicLong cycles = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(CLIENTS);
        long start = System.nanoTime();
        long deadline = start + slice().toNanos();
        for (ToolkitClient zk : clients) {
            Operation cycle = factory.forClient(zk);
            Thread t = new Thread(() -> {
                try {
                    while (System.nanoTime() < deadline && failure.get() == null) {
                        cycle.run();
                        cycles.incrementAndGet();
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }, "hand-off");
            t.start();
        }
        if (!done.await(slice().toMillis() + 60_000, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("contending clients did not finish");
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return cycles.get() * 1e9 / (System.nanoTime() - start);
    }

    /** Makes one client's acquire-and-release. */
    @FunctionalInterface
    private interface CycleFactory {
        Operation forClient(ToolkitClient zk);
    }
}
