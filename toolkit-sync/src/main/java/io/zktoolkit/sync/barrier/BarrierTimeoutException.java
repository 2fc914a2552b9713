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

    BarrierTimeoutException(String path, Phase phase, int parties, Duration timeout, Map<String, String> present,
            Map<String, String> gone) {
        super(message(path, phase, parties, timeout, present, gone));
        this.phase = phase;
        this.present = List.copyOf(present.keySet());
        this.gone = List.copyOf(gone.keySet());
    }

    private static String message(String path, Phase phase, int parties, Duration timeout, Map<String, String> present,
            Map<String, String> gone) {
        StringBuilder m = new StringBuilder("Barrier ").append(path);
        if (phase == Phase.ENTER) {
            m.append(": ").append(present.size()).append(" of ").append(parties).append(" parties arrived within ")
                    .append(timeout).append(". Present: ").append(describe(present));
            if (!gone.isEmpty()) {
                m.append(". Arrived, then gone (process died or session expired): ").append(describe(gone));
            }
            int missing = parties - present.size() - gone.size();
            if (missing > 0) {
                m.append(". Never arrived: ").append(missing);
            }
        } else {
            m.append(": ").append(present.size()).append(" still inside after ").append(timeout)
                    .append(" waiting for everyone to leave: ").append(describe(present));
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
