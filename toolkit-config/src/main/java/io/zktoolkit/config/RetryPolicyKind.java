package io.zktoolkit.config;

import java.time.Duration;
import org.apache.curator.RetryPolicy;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.retry.RetryForever;
import org.apache.curator.retry.RetryNTimes;

/** How Curator retries an operation that failed because the connection dropped ({@code zk.retry.policy}). */
public enum RetryPolicyKind {
    /** Sleep base, then about twice as long each time, never longer than the maximum sleep. */
    EXPONENTIAL,
    /** Sleep the base time between a fixed number of retries. */
    FIXED,
    /** Retry every base sleep until the connection returns; operations may then block indefinitely. */
    FOREVER,
    /** Fail at once. */
    NONE;

    /** The Curator policy for these parameters. */
    public RetryPolicy create(Duration baseSleep, Duration maxSleep, int maxRetries) {
        int base = Math.toIntExact(baseSleep.toMillis());
        return switch (this) {
            case EXPONENTIAL -> new ExponentialBackoffRetry(base, maxRetries, Math.toIntExact(maxSleep.toMillis()));
            case FIXED -> new RetryNTimes(maxRetries, base);
            case FOREVER -> new RetryForever(base);
            case NONE -> new RetryNTimes(0, 0);
        };
    }
}
