package io.zktoolkit.sync.state;

import io.zktoolkit.config.ZnodeLimits;
import io.zktoolkit.locks.Holder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The publisher's side of one job or task: applies each update to the last status and checks it
 * is a legal move. A finished job is final; a finished task may run again (a retried attempt).
 */
final class TrackedStatus {
    /** Transitions kept in the znode: enough for every state of a job and several task retries. */
    static final int TRANSITIONS_KEPT = 16;
    /**
     * The longest reason kept per transition. A failure's reason is often an exception with its
     * whole stack; a report of a failure must not fail for being long, and 16 of them must fit a znode.
     */
    static final int MAX_REASON_CHARS = 4000;

    private final String what;
    private final boolean mayRestart;
    private final Clock clock;
    private RunStatus current;

    private TrackedStatus(String what, boolean mayRestart, Clock clock, RunStatus current) {
        this.what = what;
        this.mayRestart = mayRestart;
        this.clock = clock;
        this.current = current;
    }

    static TrackedStatus queued(String what, String id, boolean mayRestart, Holder publisher, Clock clock) {
        RunStatus start = new RunStatus(id, RunState.QUEUED, 0, 0, 0, "", publisher, clock.instant(), Map.of(), List.of());
        TrackedStatus tracked = new TrackedStatus(what, mayRestart, clock, start);
        tracked.current = tracked.next(RunState.QUEUED, "", start.done(), start.total(), Map.of());
        return tracked;
    }

    /** Continues from a stored status, for a publisher that takes over an abandoned job. */
    static TrackedStatus resumed(String what, RunStatus stored, boolean mayRestart, Holder publisher, Clock clock) {
        RunStatus adopted = new RunStatus(stored.id(), stored.state(), stored.sequence(), stored.done(), stored.total(),
                stored.message(), publisher, stored.updatedAt(), stored.attributes(), stored.transitions());
        return new TrackedStatus(what, mayRestart, clock, adopted);
    }

    synchronized RunStatus current() {
        return current;
    }

    synchronized RunStatus enter(RunState state, String reason) {
        RunState from = current.state();
        if (from == state) {
            return current;
        }
        if (from.isFinished() && !mayRestart) {
            throw new IllegalStateException(what + " already " + from + "; it cannot become " + state);
        }
        if (state == RunState.QUEUED && from == RunState.RUNNING) {
            throw new IllegalStateException(what + " is RUNNING; it cannot go back to QUEUED");
        }
        current = next(state, reason, current.done(), current.total(), Map.of());
        return current;
    }

    synchronized RunStatus progress(long done, long total) {
        if (done < 0 || total < 0) {
            throw new IllegalArgumentException(what + ": progress must not be negative, got " + done + " of " + total);
        }
        checkNotFinished("report progress");
        current = next(current.state(), null, done, total, Map.of());
        return current;
    }

    synchronized RunStatus attributes(Map<String, String> added) {
        current = next(current.state(), null, current.done(), current.total(), added);
        return current;
    }

    private void checkNotFinished(String action) {
        if (current.state().isFinished()) {
            throw new IllegalStateException(what + " already " + current.state() + "; it cannot " + action);
        }
    }

    private static String shortened(String reason) {
        if (reason.length() <= MAX_REASON_CHARS) {
            return reason;
        }
        int cut = Character.isHighSurrogate(reason.charAt(MAX_REASON_CHARS - 1)) ? MAX_REASON_CHARS - 1 : MAX_REASON_CHARS;
        return reason.substring(0, cut) + " ... (" + (reason.length() - cut) + " more characters not kept)";
    }

    /** A new status; {@code reason} null keeps the message and adds no transition. */
    private RunStatus next(RunState state, String reason, long done, long total, Map<String, String> added) {
        List<Transition> transitions = new ArrayList<>(current.transitions());
        String message = current.message();
        if (reason != null) {
            reason = shortened(reason);
            int ordinal = current.lastOrdinal() + 1;
            transitions.add(new Transition(ordinal, state, clock.instant(), reason));
            if (transitions.size() > TRANSITIONS_KEPT) {
                transitions.remove(0);
            }
            message = reason;
        }
        Map<String, String> attributes = new LinkedHashMap<>(current.attributes());
        attributes.putAll(added);
        RunStatus next = new RunStatus(current.id(), state, current.sequence() + 1, done, total, message, current.publisher(),
                clock.instant(), attributes, transitions);
        // Refused here, before it is queued: the background writer could never land it, and
        // would hold up every later update of the job behind it.
        ZnodeLimits.requireFits(what + ": the status with " + attributes.size() + " attributes and a "
                + message.length() + "-character message", StatusFormat.encode(next));
        return next;
    }
}
