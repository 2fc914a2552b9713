package io.zktoolkit.recovery.testing;

import io.zktoolkit.recovery.assignment.Completion;
import io.zktoolkit.recovery.assignment.TaskListener;
import io.zktoolkit.recovery.assignment.WorkFleet;
import io.zktoolkit.recovery.failover.ActiveStandby;
import io.zktoolkit.recovery.membership.FleetMembership;

/**
 * For fleet members in child JVMs that a test reads line by line: one line per event, flushed at
 * once, so a test can wait on it and a kill -9 loses nothing already said.
 */
public final class FleetConsole {
    private FleetConsole() {
    }

    /** Prints {@code line} and flushes. */
    public static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** {@code STARTED task epoch}, {@code COMPLETED task result}, {@code REVOKED task epoch why}, {@code FAILED task epoch error}. */
    public static TaskListener taskLines() {
        return new TaskListener() {
            @Override
            public void started(String task, int epoch) {
                say("STARTED " + task + " " + epoch);
            }

            @Override
            public void completed(Completion completion) {
                say("COMPLETED " + completion.task() + " " + completion.result());
            }

            @Override
            public void revoked(String task, int epoch, String why) {
                say("REVOKED " + task + " " + epoch + " " + why);
            }

            @Override
            public void failed(String task, int epoch, Exception error) {
                say("FAILED " + task + " " + epoch + " " + error);
            }
        };
    }

    /**
     * Starts {@code fleet}, prints {@code IDENTITY node} on each join and {@code READY}, then
     * prints {@code LEADER token} each time it becomes the leader, until the process is killed.
     */
    public static void runUntilKilled(WorkFleet fleet) throws InterruptedException {
        fleet.membership().addListener((state, node) -> {
            if (node != null && state == FleetMembership.State.JOINED) {
                say("IDENTITY " + node);
            }
        });
        fleet.start();
        say("READY");
        ActiveStandby.State last = null;
        while (true) {
            ActiveStandby.State now = fleet.leadership().state();
            if (now != last && now == ActiveStandby.State.ACTIVE) {
                say("LEADER " + fleet.leadership().takeover().map(t -> Long.toString(t.token())).orElse("?"));
            }
            last = now;
            Thread.sleep(20);
        }
    }
}
