package io.zktoolkit.examples.pipeline;

import java.time.Duration;
import java.util.Optional;

/**
 * One line an import worker printed, parsed: {@code READY id}, {@code LEADER id}, {@code CONFIG
 * version details}, {@code STARTED task}, {@code COMPLETED task result}, {@code REVOKED task} or
 * {@code FAILED task reason}. Other output (logging) is not an event.
 *
 * @param at when the demo read it, since the demo began
 */
record WorkerEvent(String worker, Kind kind, String subject, String detail, Duration at) {
    enum Kind { READY, LEADER, CONFIG, STARTED, COMPLETED, REVOKED, FAILED }

    static Optional<WorkerEvent> parse(String worker, String line, Duration at) {
        String[] parts = line.strip().split(" ", 3);
        Kind kind;
        try {
            kind = Kind.valueOf(parts[0]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.of(new WorkerEvent(worker, kind, parts.length > 1 ? parts[1] : "", parts.length > 2 ? parts[2] : "", at));
    }
}
