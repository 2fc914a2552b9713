package io.zktoolkit.sync.state;

import java.time.Instant;

/**
 * A job or task entering a state. {@code ordinal} counts the transitions of that job or task from
 * 1, so a watcher can tell which it has already seen and whether any were dropped from the bounded
 * history.
 *
 * @param reason why, for FAILED and CANCELLED (empty otherwise)
 */
public record Transition(int ordinal, RunState state, Instant at, String reason) {
}
