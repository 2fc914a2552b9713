package io.zktoolkit.sync.hive;

import io.zktoolkit.sync.state.JobStateException;
import io.zktoolkit.sync.state.RunState;
import io.zktoolkit.sync.state.RunStatus;

/** A Hive step another job waited for ended FAILED or CANCELLED; the message names the step, its state and reason. */
public class HiveStepFailedException extends JobStateException {
    private static final long serialVersionUID = 1L;

    private final transient RunStatus status;

    HiveStepFailedException(RunStatus status) {
        super("Hive step " + status.id() + " " + status.state() + " (published by " + status.publisher().host() + ":"
                + status.publisher().pid() + " at " + status.since() + "): " + status.message());
        this.status = status;
    }

    /** The step's final status: its state, reason and attributes ({@code sqlState}, {@code statement}). */
    public RunStatus status() {
        return status;
    }

    /** FAILED or CANCELLED. */
    public RunState state() {
        return status.state();
    }

    /** The server's SQLState, when the step failed on the server. */
    public String sqlState() {
        return status.attributes().getOrDefault(HiveStepRunner.SQL_STATE, "");
    }
}
