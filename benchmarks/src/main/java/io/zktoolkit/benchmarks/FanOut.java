package io.zktoolkit.benchmarks;

import java.io.Closeable;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One way of telling many listening sessions about a new version: a writer and one watcher per
 * listener, each reporting what it saw through {@link #arrived}. Publishes go one at a time, the
 * next only once every listener has seen the previous one, so that ZooKeeper's one-shot watches
 * never fold two versions into one notice and each arrival belongs to exactly one publish.
 */
abstract class FanOut implements Closeable {
    /** Far beyond a healthy fan-out's tens of milliseconds: hitting it means a listener missed a version. */
    private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(15);
    private static final long NOT_SEEN = Long.MIN_VALUE;

    private final int listeners;
    private final Duration roundTimeout;
    private final AtomicReference<String> unexpected = new AtomicReference<>();
    private volatile Round round;

    FanOut(int listeners) {
        this(listeners, ROUND_TIMEOUT);
    }

    /** With a shorter wait for missing listeners, for tests. */
    FanOut(int listeners, Duration roundTimeout) {
        this.listeners = listeners;
        this.roundTimeout = roundTimeout;
    }

    /** The version the next {@link #publishNext()} writes, as listeners will report it. */
    abstract long nextVersion();

    /** Writes that version; returns once ZooKeeper acknowledged the write. */
    abstract void publishNext() throws Exception;

    /** Called by listener {@code listener}, on whatever thread notifies it, when it sees {@code version}. */
    final void arrived(int listener, long version) {
        long now = System.nanoTime();
        Round r = round;
        if (r == null || !r.record(listener, version, now)) {
            unexpected.compareAndSet(null, "listener " + listener + " reported v" + version + " while "
                    + (r == null ? "no version" : "v" + r.version) + " was awaited");
        }
    }

    /**
     * Publishes {@code publishes} versions and returns, for each, every listener's delay in
     * milliseconds from just before the write to its notice.
     *
     * @throws IllegalStateException when a listener missed a version or saw one twice or out of turn
     */
    final double[] latenciesMs(int publishes) throws Exception {
        double[] latencies = new double[publishes * listeners];
        int n = 0;
        for (int p = 0; p < publishes; p++) {
            Round r = new Round(nextVersion(), listeners);
            round = r;
            long start = System.nanoTime();
            publishNext();
            r.awaitAll(roundTimeout);
            for (int i = 0; i < listeners; i++) {
                latencies[n++] = (r.seen.get(i) - start) / 1_000_000.0;
            }
        }
        round = null;
        String surprise = unexpected.getAndSet(null);
        if (surprise != null) {
            throw new IllegalStateException("unexpected notice: " + surprise);
        }
        return latencies;
    }

    /** Arrivals of one version. */
    private static final class Round {
        final long version;
        final AtomicLongArray seen;
        final CountDownLatch missing;

        Round(long version, int listeners) {
            this.version = version;
            this.seen = new AtomicLongArray(listeners);
            for (int i = 0; i < listeners; i++) {
                seen.set(i, NOT_SEEN);
            }
            this.missing = new CountDownLatch(listeners);
        }

        /** False for another version, or this one seen again. */
        boolean record(int listener, long v, long nanos) {
            if (v != version || !seen.compareAndSet(listener, NOT_SEEN, nanos)) {
                return false;
            }
            missing.countDown();
            return true;
        }

        void awaitAll(Duration timeout) throws InterruptedException {
            if (!missing.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(missing.getCount() + " of " + seen.length() + " listeners did not see v"
                        + version + " within " + timeout.toMillis() + " ms");
            }
        }
    }
}
