package io.zktoolkit.sync.state;

import io.zktoolkit.locks.Holder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The published state of one job or one task: its state, progress, attributes (row counts,
 * durations, anything the publisher adds) and the transitions that led there, newest last.
 *
 * @param id          the job or task id
 * @param state       the current state
 * @param sequence    counts every update of this job or task; a watcher never sees it go down
 * @param done        units of work done (0 when the publisher reports none)
 * @param total       units of work in all (0 when unknown)
 * @param message     the publisher's last word: the failure reason for FAILED
 * @param publisher   the process that publishes it
 * @param updatedAt   when the publisher made this update
 * @param attributes  named values the publisher added
 * @param transitions the last transitions, oldest first (bounded; see {@link Transition#ordinal()})
 */
public record RunStatus(String id, RunState state, long sequence, long done, long total, String message,
        Holder publisher, Instant updatedAt, Map<String, String> attributes, List<Transition> transitions) {

    /** Copies the collections so a status never changes after it is made. */
    public RunStatus {
        attributes = Map.copyOf(attributes);
        transitions = List.copyOf(transitions);
    }

    /** {@code done / total}, when the publisher reports a total. */
    public Optional<Double> fraction() {
        return total > 0 ? Optional.of(Math.min(1.0, (double) done / total)) : Optional.empty();
    }

    /** When it entered its current state. */
    public Instant since() {
        return transitions.isEmpty() ? updatedAt : transitions.get(transitions.size() - 1).at();
    }

    /** From its first transition kept to its finish, or to {@code now} while it runs. */
    public Duration elapsed(Instant now) {
        Instant start = transitions.stream().filter(t -> t.state() == RunState.RUNNING).findFirst()
                .map(Transition::at).orElse(transitions.isEmpty() ? updatedAt : transitions.get(0).at());
        return Duration.between(start, state.isFinished() ? since() : now);
    }

    /** The ordinal of the last transition, 0 before any. */
    public int lastOrdinal() {
        return transitions.isEmpty() ? 0 : transitions.get(transitions.size() - 1).ordinal();
    }
}
