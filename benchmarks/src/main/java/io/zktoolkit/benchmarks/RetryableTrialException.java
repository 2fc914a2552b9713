package io.zktoolkit.benchmarks;

/**
 * Thrown by a trial whose attempt failed for a known-transient reason (a port race while starting
 * a server, say). The runner discards the attempt, counts the retry against that side, and runs the
 * trial again, so a flaky start is visible in the report without aborting the run.
 */
public final class RetryableTrialException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Wraps the transient failure. */
    public RetryableTrialException(String message, Throwable cause) {
        super(message, cause);
    }
}
