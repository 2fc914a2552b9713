package io.zktoolkit.examples.pipeline;

import java.nio.file.Path;
import java.util.List;

/**
 * The shape of one demo run.
 *
 * @param tables source tables, each imported by one fleet task per round
 * @param rows rows per table at the start
 * @param newRows rows added per table before the second, incremental round (0: one round only)
 * @param workers import worker JVMs
 * @param faults whether to kill a worker and stop a ZooKeeper server mid-import, and change the configuration live
 * @param spark whether to run the Spark transform
 * @param hive whether to start the Thrift Server and query it through the stock driver (needs {@code spark})
 * @param pipelineConfig the properties file published as the live configuration set, or null for the bundled example
 * @param workDir where every file of the run goes (source database, imports, warehouse, logs)
 * @param sparkDeployment where the Spark transform runs ({@link SparkDeployment#embedded()}: local[2])
 */
public record PipelineOptions(List<String> tables, int rows, int newRows, int workers, boolean faults, boolean spark,
        boolean hive, Path pipelineConfig, Path workDir, SparkDeployment sparkDeployment) {
    public PipelineOptions {
        tables = List.copyOf(tables);
        java.util.Objects.requireNonNull(sparkDeployment, "sparkDeployment");
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("at least one table is needed");
        }
        if (rows < 1 || newRows < 0 || workers < 1) {
            throw new IllegalArgumentException("expected rows >= 1, new rows >= 0 and workers >= 1, got " + rows + ", "
                    + newRows + ", " + workers);
        }
        if (faults && workers < 2) {
            throw new IllegalArgumentException("killing a worker needs another to take over: use 2 or more workers");
        }
        if (hive && !spark) {
            throw new IllegalArgumentException("the Hive step queries what the Spark transform wrote: enable Spark too");
        }
    }
}
