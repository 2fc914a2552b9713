package io.zktoolkit.sync.barrier;

import io.zktoolkit.sync.SyncException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A barrier was not passed by its deadline. The message says who was there, who arrived and then
 * vanished (its process died or its session expired) and how many never came; this member has
 * withdrawn, so it is not counted by anyone who enters later.
 */
public class BarrierTimeoutException extends SyncException {
    private static final long serialVersionUID = 1L;

    /** Which wait ran out. */
    public enum Phase {
        ENTER,
        LEAVE
    }

    private final Phase phase;
    private final List<String> present;
    private final List<String> gone;

    /** Entering ran out: who is present, who withdrew at their own deadline, who vanished. */
    BarrierTimeoutException(String path, int parties, Duration timeout, Map<String, String> present,
            Map<String, String> withdrew, Map<String, String> gone) {
        super(enterMessage(path, parties, timeout, present, withdrew, gone));
        this.phase = Phase.ENTER;
        this.present = List.copyOf(present.keySet());
        this.gone = List.copyOf(gone.keySet());
    }

    /** Leaving ran out: who is still inside. */
    BarrierTimeoutException(String path, Duration timeout, Map<String, String> inside) {
        super("Barrier " + path + ": " + inside.size() + " still inside after " + timeout
                + " waiting for everyone to leave: " + describe(inside) + ".");
        this.phase = Phase.LEAVE;
        this.present = List.copyOf(inside.keySet());
        this.gone = List.of();
    }

    private static String enterMessage(String path, int parties, Duration timeout, Map<String, String> present,
            Map<String, String> withdrew, Map<String, String> gone) {
        StringBuilder m = new StringBuilder("Barrier ").append(path).append(": ").append(present.size() + withdrew.size())
                .append(" of ").append(parties).append(" parties arrived within ").append(timeout)
                .append(". Withdrew at their deadline: ").append(describe(withdrew))
                .append(". Still waiting: ").append(describe(present));
        if (!gone.isEmpty()) {
            m.append(". Arrived, then gone (process died or session expired): ").append(describe(gone));
        }
        int missing = parties - present.size() - withdrew.size() - gone.size();
        if (missing > 0) {
            m.append(". Never arrived: ").append(missing);
        }
        return m.append('.').toString();
    }

    private static String describe(Map<String, String> members) {
        if (members.isEmpty()) {
            return "none";
        }
        StringBuilder s = new StringBuilder();
        members.forEach((id, who) -> s.append(s.length() == 0 ? "" : ", ").append(id).append(" (").append(who).append(')'));
        return s.toString();
    }

    /** The wait that ran out. */
    public Phase phase() {
        return phase;
    }

    /** Member ids present at the deadline. */
    public List<String> present() {
        return present;
    }

    /** Member ids that arrived and then vanished without leaving. */
    public List<String> gone() {
        return gone;
    }
}
