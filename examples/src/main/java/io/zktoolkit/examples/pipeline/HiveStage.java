package io.zktoolkit.examples.pipeline;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.discovery.hive.HiveServerRegistrar;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's Hive step: the Spark Thrift Server (started in the background while the imports ran)
 * is registered through the toolkit in Hive's own znode format, and the stock hive-jdbc driver, in
 * a JVM of its own, finds it through its ZooKeeper URL and reads the Spark job's totals.
 */
final class HiveStage {
    private static final Duration QUERY_TIMEOUT = Duration.ofMinutes(3);

    private final ToolkitClient zk;
    private final Timeline timeline;
    private final String namespace;

    HiveStage(ToolkitClient zk, Timeline timeline, String namespace) {
        this.zk = zk;
        this.timeline = timeline;
        this.namespace = namespace;
    }

    /**
     * Queries {@code warehouse/table_totals}; returns the report's lines and adds any broken promise to {@code problems}.
     *
     * @param running the server is added here, to be stopped with the demo
     */
    List<String> run(ThriftServerProcess.Starting starting, Path warehouse, List<PipelineReport.TableReport> tables,
            List<String> problems, List<AutoCloseable> running) {
        ThriftServerProcess server = starting.awaitReady(ThriftServerProcess.READY_TIMEOUT);
        running.add(server);
        timeline.event("thriftserver", "ready on port " + server.port());
        HiveServerRegistrar registrar = server.register(zk, namespace);
        String url = registrar.stockJdbcUrl("default");
        timeline.event("thriftserver", "registered at " + registrar.znodePath().orElse("?") + " in Hive's format");
        timeline.event("hive-jdbc", "connecting with the stock driver to " + url);
        HiveQuery.Result result = HiveQuery.run(url, List.of(
                "CREATE TABLE IF NOT EXISTS table_totals USING parquet LOCATION '"
                        + warehouse.resolve("table_totals").toAbsolutePath() + "'",
                "SELECT table_name, `rows`, duplicate_ids FROM table_totals ORDER BY table_name"), QUERY_TIMEOUT);
        timeline.event("hive-jdbc", "connected in " + result.connectMillis() + " ms, " + result.rows().size() + " rows read");
        List<String> lines = new ArrayList<>();
        lines.add("through " + url);
        for (PipelineReport.TableReport table : tables) {
            List<String> row = result.rows().stream().filter(r -> r.get(0).equals(table.table())).findFirst().orElse(null);
            if (row == null) {
                problems.add("Hive's table_totals has no row for " + table.table());
                continue;
            }
            lines.add(String.format("%-12s %s rows, %s duplicate ids (read through the stock driver)", table.table(),
                    row.get(1), row.get(2)));
            if (!row.get(1).equals(Long.toString(table.sourceRows())) || !row.get(2).equals("0")) {
                problems.add("Hive reads " + row + " for " + table.table() + ", whose source holds " + table.sourceRows());
            }
        }
        return lines;
    }
}
