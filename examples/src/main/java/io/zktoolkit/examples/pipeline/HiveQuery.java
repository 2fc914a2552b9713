package io.zktoolkit.examples.pipeline;

import io.zktoolkit.examples.world.World;
import io.zktoolkit.it.harness.ChildJvm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Statements run through the stock hive-jdbc driver in its own JVM ({@link World#HIVE_CLIENT}:
 * the driver alone, as any Hive client has it), typically with the driver's own ZooKeeper URL
 * from {@link io.zktoolkit.discovery.hive.HiveServerRegistrar#stockJdbcUrl}.
 *
 * <pre>{@code
 * HiveQuery.Result result = HiveQuery.run(registrar.stockJdbcUrl("default"), List.of("SELECT 1"), Duration.ofMinutes(1));
 * result.rows();            // [[1]]
 * }</pre>
 */
public final class HiveQuery {
    private static final String MAIN = "io.zktoolkit.examples.world.hive.HiveQueryMain";

    private HiveQuery() {
    }

    /**
     * What the last statement returned.
     *
     * @param rows          its rows, each a list of column values as strings ({@code "null"} for SQL NULL)
     * @param connectMillis how long the connect took, the driver's ZooKeeper look-up included
     */
    public record Result(List<List<String>> rows, long connectMillis) {
        /** Copies the rows. */
        public Result {
            rows = rows.stream().map(List::copyOf).toList();
        }
    }

    /** The driver reported a failure; the message is the client's {@code FAILED <SQLState> <message>} line. */
    public static final class QueryFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String sqlState;

        QueryFailedException(String message, String sqlState) {
            super(message);
            this.sqlState = sqlState;
        }

        /**
         * The driver's SQLState, when it reported one: 08S01 when no registered server could be
         * reached; none when ZooKeeper lists no server at all ("No more HiveServer2 URIs").
         */
        public Optional<String> sqlState() {
            return Optional.ofNullable(sqlState);
        }
    }

    /**
     * Connects, runs {@code statements} in order and returns the last one's rows.
     *
     * @throws QueryFailedException with the client's {@code FAILED} line when the driver fails, or
     *         when the client does not finish within {@code timeout} (it is then killed)
     */
    public static Result run(String jdbcUrl, List<String> statements, Duration timeout) {
        if (statements.isEmpty()) {
            throw new IllegalArgumentException("No statement to run");
        }
        List<String> args = new ArrayList<>(statements.size() + 1);
        args.add(jdbcUrl);
        args.addAll(statements);
        try (ChildJvm client = World.HIVE_CLIENT.jvm(MAIN).name("hive-query").jvmOption("-Xmx256m")
                .args(args.toArray(String[]::new)).start()) {
            int exitCode;
            try {
                exitCode = client.waitForExit(timeout);
            } catch (AssertionError e) {
                throw new QueryFailedException("The Hive query through " + jdbcUrl + " did not finish within "
                        + timeout.toSeconds() + " s and was killed\n" + client.recentOutput(), null);
            }
            client.close(); // all output read
            return parse(client.lines(), exitCode, jdbcUrl);
        }
    }

    private static Result parse(List<String> lines, int exitCode, String jdbcUrl) {
        List<List<String>> rows = new ArrayList<>();
        long connectMillis = -1;
        for (String line : lines) {
            if (line.startsWith("ROW ")) {
                rows.add(Arrays.asList(line.substring(4).split("\t", -1)));
            } else if (line.startsWith("CONNECTED ")) {
                connectMillis = Long.parseLong(line.substring(10).strip());
            } else if (line.startsWith("FAILED ")) {
                String[] parts = line.split(" ", 3);
                // The driver leaves the state unset for some failures (no server registered); the client prints "null".
                String state = parts.length > 1 && !parts[1].equals("null") ? parts[1] : null;
                throw new QueryFailedException("Hive query through " + jdbcUrl + " failed: " + line, state);
            }
        }
        if (exitCode != 0) {
            throw new QueryFailedException("The Hive client exited with " + exitCode + " without a FAILED line; its last output:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())), null);
        }
        return new Result(rows, connectMillis);
    }
}
