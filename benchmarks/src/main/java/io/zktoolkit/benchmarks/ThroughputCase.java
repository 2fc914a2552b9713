package io.zktoolkit.benchmarks;

import java.time.Duration;

/**
 * A case whose trial runs operations for a fixed slice of time and reports operations per second,
 * higher being better: what the throughput cases share.
 */
abstract class ThroughputCase extends SampledCase {
    private final Duration slice;

    /**
     * @param slice how long one trial runs operations
     * @param warmups warmup trials per side
     * @param trials measured trials per side
     */
    ThroughputCase(Duration slice, int warmups, int trials) {
        super("ops/s", Direction.HIGHER_IS_BETTER, warmups, trials);
        this.slice = slice;
    }

    /** How long one trial runs operations. */
    Duration slice() {
        return slice;
    }





    /** Runs {@code operation} back to back for one slice on this thread; operations per second. */
    double perSecond(Operation operation) throws Exception {
        long count = 0;
        long start = System.nanoTime();
        long deadline = start + slice.toNanos();
        long now;
        do {
            operation.run();
            count++;
            now = System.nanoTime();
        } while (now < deadline);
        return count * 1e9 / (now - start);
    }

    /** One measured operation. */
    @FunctionalInterface
    interface Operation {
        void run() throws Exception;
    }
}
