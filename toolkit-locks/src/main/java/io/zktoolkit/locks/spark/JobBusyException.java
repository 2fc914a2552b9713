package io.zktoolkit.locks.spark;

import io.zktoolkit.locks.Holder;
import java.time.Instant;
import java.util.Optional;

/**
 * A Spark job could not start because another driver runs it: at once with
 * {@link SparkJobGuard.OnBusy#FAIL_FAST}, or after the deadline with
 * {@link SparkJobGuard.OnBusy#WAIT}. The message names the holder's host, process, job and since
 * when it holds the job, as read from its lock node.
 */
public class JobBusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String job;
    private final transient Holder holder;
    private final Instant since;

    /**
     * @param holder the driver holding the job, or {@code null} when it released the job while
     *        this one looked
     * @param since since when it holds the job, or {@code null} with {@code holder}
     */
    public JobBusyException(String message, String job, Holder holder, Instant since) {
        super(message);
        this.job = job;
        this.holder = holder;
        this.since = since;
    }

    /** The job that is busy. */
    public String job() {
        return job;
    }

    /** The driver holding it, when it was still there to be read. */
    public Optional<Holder> holder() {
        return Optional.ofNullable(holder);
    }

    /** Since when the holder holds it. */
    public Optional<Instant> since() {
        return Optional.ofNullable(since);
    }
}
