package io.zktoolkit.sync.hive;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a Hive step did, as published on the board.
 *
 * @param stepId   the step (the job id on the board)
 * @param rows     rows written (the driver's update count) or read (a query consumed through the runner);
 *                 empty when the server reports none
 * @param duration from sending the statement to its end (for a query: to its last row)
 * @param schema   the schema notice published after a DDL statement, when the runner publishes them
 */
public record StepResult(String stepId, OptionalLong rows, Duration duration, Optional<SchemaNotice> schema) {
}
