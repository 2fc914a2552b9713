package io.zktoolkit.discovery.hive;

import java.util.concurrent.TimeUnit;

/** Waits for a condition that ZooKeeper makes true asynchronously (watches, elections, expiries). */
final class Eventually {
    private static final long LIMIT_SECONDS = 30;

    /** A condition that may read ZooKeeper. */
    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    private Eventually() {
    }

    /** Returns once {@code condition} holds; fails naming {@code what} after 30 s. */
    static void await(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + LIMIT_SECONDS + " s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
