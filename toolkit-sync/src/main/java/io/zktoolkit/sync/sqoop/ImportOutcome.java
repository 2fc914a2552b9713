package io.zktoolkit.sync.sqoop;

import java.util.List;
import java.util.Optional;

/**
 * What one {@link CheckpointedImport} run did.
 *
 * @param table the imported table
 * @param runId the run's id, recorded in the checkpoint with the new last value
 * @param previousLastValue the checkpoint before the run; empty for a first import
 * @param lastValue the checkpoint after the run (unchanged when nothing was new)
 * @param records records imported and published by this run
 * @param committed whether this run moved the checkpoint; false when the source had nothing new
 * @param recovered runs of crashed imports whose committed output this run published first
 * @param discarded runs of crashed imports whose uncommitted output this run deleted first
 */
public record ImportOutcome(String table, String runId, Optional<String> previousLastValue, Optional<String> lastValue,
        long records, boolean committed, List<String> recovered, List<String> discarded) {
    /** Copies the lists. */
    public ImportOutcome {
        recovered = List.copyOf(recovered);
        discarded = List.copyOf(discarded);
    }
}
