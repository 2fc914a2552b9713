package io.zktoolkit.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.ProcessEnsemble;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Spark drivers ({@link StreamingDriverMain}, each its own JVM with its own local[1] Spark)
 * in one active/standby group against a 3-server ZooKeeper ensemble of processes, with a 3 s
 * session timeout. The test drops input files one by one; only the active runs the query. After
 * kill -9 of the active, or SIGSTOP past its session, the standby takes over from the shared
 * checkpoint. The output is checked record by record: every input line exactly once.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ActiveStandbyStreamingIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final int FILES = 20;
    /** Input for the first two actives; the rest comes after the kill, for the third. */
    private static final int FILES_BEFORE_KILL = 12;
    private static final int LINES_PER_FILE = 5;
    private static final Pattern TOKEN = Pattern.compile("token=(-?\\d+)");

    private static ProcessEnsemble ensemble;
    private final List<ChildJvm> drivers = new ArrayList<>();

    @BeforeAll
    static void startEnsemble() {
        ensemble = ProcessEnsemble.start(3);
    }

    @AfterAll
    static void stopEnsemble() {
        if (ensemble != null) {
            ensemble.close();
        }
    }

    @AfterEach
    void stopDrivers() {
        drivers.forEach(ChildJvm::close);
    }

    /** Both drivers of {@code group}, started together; returns them once each said READY, the active first. */
    private List<ChildJvm> startPair(String group, Path dir, int holdAt) throws InterruptedException, IOException {
        Files.createDirectories(dir.resolve("in")); // a file source needs its folder to exist
        for (String id : List.of("driver-a", "driver-b")) {
            ChildJvm.Builder jvm = ChildJvm.builder(StreamingDriverMain.class.getName()).name(group + "-" + id)
                    .jvmOption("-Xmx512m")
                    .logFile(Path.of("target", group + "-" + id + ".log"))
                    .args(ensemble.connectString(), group, id, dir.resolve("in").toString(),
                            dir.resolve("checkpoint").toString(), dir.resolve("out").toString(), Integer.toString(holdAt));
            SparkIt.javaModuleOptions().forEach(jvm::jvmOption);
            drivers.add(jvm.start());
        }
        List<ChildJvm> pair = List.copyOf(drivers);
        pair.forEach(d -> d.awaitLine(l -> l.startsWith(StreamingDriverMain.READY), DEADLINE));
        SparkIt.await(DEADLINE, "one driver to start the query", () -> pair.get(0).recentOutput() + "\n" + pair.get(1).recentOutput(),
                () -> pair.stream().anyMatch(d -> said(d, "STARTED")));
        ChildJvm active = pair.stream().filter(d -> said(d, "STARTED")).findFirst().orElseThrow();
        ChildJvm standby = pair.get(0) == active ? pair.get(1) : pair.get(0);
        assertThat(said(standby, "STARTED")).as("only one driver runs the query").isFalse();
        return List.of(active, standby);
    }

    private static boolean said(ChildJvm driver, String line) {
        return driver.lines().stream().anyMatch(l -> l.startsWith(line));
    }

    /** Writes input file {@code i}, whole: it appears in the input folder by an atomic move. */
    private static void writeInput(Path dir, int i) {
        try {
            Path in = Files.createDirectories(dir.resolve("in"));
            Path tmp = Files.createDirectories(dir.resolve("in-tmp")).resolve("f" + i);
            Files.write(tmp, IntStream.range(0, LINES_PER_FILE).mapToObj(j -> record(i, j)).toList(), StandardCharsets.UTF_8);
            Files.move(tmp, in.resolve(String.format("f%03d.txt", i)), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String record(int file, int line) {
        return "f" + file + "-r" + line;
    }

    /** Every output line, counted, from the committed batch files only. */
    private static Map<String, Long> outputCounts(Path dir) {
        Path out = dir.resolve("out");
        if (!Files.isDirectory(out)) {
            return Map.of();
        }
        try (Stream<Path> files = Files.list(out)) {
            return files.filter(f -> f.getFileName().toString().startsWith("batch-")).flatMap(f -> {
                try {
                    return Files.readAllLines(f, StandardCharsets.UTF_8).stream();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertEveryRecordExactlyOnce(Path dir) throws InterruptedException {
        SparkIt.await(DEADLINE, "all " + FILES * LINES_PER_FILE + " records in the output",
                () -> outputCounts(dir).size() + " distinct records", () -> outputCounts(dir).size() == FILES * LINES_PER_FILE);
        Map<String, Long> counts = outputCounts(dir);
        List<String> expected = IntStream.range(0, FILES).boxed()
                .flatMap(i -> IntStream.range(0, LINES_PER_FILE).mapToObj(j -> record(i, j))).toList();
        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(counts).allSatisfy((line, n) -> assertThat(n).as("copies of %s", line).isEqualTo(1L));
    }

    private static long token(String line) {
        Matcher m = TOKEN.matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static long field(String line, String name) {
        Matcher m = Pattern.compile(name + "=(-?\\d+)").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static int publishedCount(ChildJvm driver) {
        return (int) driver.lines().stream().filter(l -> l.startsWith("PUBLISHED")).count();
    }

    /**
     * One pair of drivers through both faults, to start Spark twice rather than four times: the
     * first active is paused (SIGSTOP) while it holds a staged batch, past its session; the
     * standby takes over and commits that batch; the resumed driver's commit is refused and it
     * stands by. Then the new active is killed with kill -9 and the fenced driver takes over
     * again, with a higher token still. Every input record is in the output exactly once.
     */
    @Test
    void aPausedActiveIsRefusedAndAKilledActiveIsReplacedWithEveryRecordWrittenOnce(@TempDir Path dir) throws Exception {
        List<ChildJvm> pair = startPair("orders-stream", dir, 3);
        ChildJvm first = pair.get(0);
        ChildJvm second = pair.get(1);
        long firstToken = token(first.awaitLine(l -> l.startsWith("STARTED"), DEADLINE));
        Thread feeder = new Thread(() -> {
            try {
                for (int i = 0; i < FILES_BEFORE_KILL; i++) {
                    writeInput(dir, i);
                    Thread.sleep(250);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "input-feeder");
        feeder.start();
        try {
            // 1. The first active stages its third batch and is paused before committing it.
            String holding = first.awaitLine(l -> l.startsWith("HOLDING"), DEADLINE);
            first.pause();
            long pausedAt = System.currentTimeMillis();
            long heldBatch = field(holding, "batch");

            String secondStarted = second.awaitLine(l -> l.startsWith("STARTED"), DEADLINE);
            long secondToken = token(secondStarted);
            assertThat(secondToken).as("the standby's token").isGreaterThan(firstToken);
            assertThat(secondStarted).contains("previous=driver-" + (first.name().endsWith("a") ? "a" : "b")
                    + " (token " + firstToken + ")");
            // It ran the held batch again from the checkpoint (same input) and committed it.
            second.awaitLine(l -> l.startsWith("PUBLISHED batch=" + heldBatch + " token=" + secondToken), DEADLINE);
            String secondFirstBatch = second.awaitLine(l -> l.startsWith("FIRST BATCH"), DEADLINE);
            first.resume();

            String refused = first.awaitLine(l -> l.startsWith("REFUSED"), DEADLINE);
            assertThat(refused).contains("batch=" + heldBatch, "token=" + firstToken, "a newer active took over");
            assertThat(first.lines()).contains("DISCARDED batch=" + heldBatch + " token=" + firstToken)
                    .noneMatch(l -> l.startsWith("PUBLISHED batch=" + heldBatch + " "));
            SparkIt.await(DEADLINE, "the refused driver to stand by", first::recentOutput,
                    () -> first.lines().stream().filter(l -> l.startsWith("STATE ")).reduce((a, b) -> b)
                            .orElse("").equals("STATE STANDBY"));

            // 2. The new active processes more batches and is killed with kill -9.
            SparkIt.await(DEADLINE, "two more batches from the new active", second::recentOutput,
                    () -> publishedCount(second) >= 3);
            long killedAt = System.currentTimeMillis();
            second.kill9();
            feeder.join(DEADLINE.toMillis());
            for (int i = FILES_BEFORE_KILL; i < FILES; i++) {
                writeInput(dir, i); // all at once: the next active reads one per batch
            }

            String againStarted = first.awaitLine(l -> l.startsWith("STARTED") && token(l) != firstToken, DEADLINE);
            long againToken = token(againStarted);
            assertThat(againToken).as("the token of the fenced driver's second takeover").isGreaterThan(secondToken);
            assertThat(againStarted).contains("(token " + secondToken + ")");
            String againFirstBatch = first.awaitLine(l -> l.startsWith("FIRST BATCH token=" + againToken), DEADLINE);

            assertEveryRecordExactlyOnce(dir);
            try (Stream<Path> left = Files.list(dir.resolve("out").resolve("_staging"))) {
                assertThat(left.map(p -> p.getFileName().toString())).as("attempts neither published nor discarded")
                        .noneMatch(n -> n.startsWith("batch-"));
            }
            System.out.printf("MEASURED SIGSTOP takeover: pause -> elected %d ms, -> query started %d ms, -> first batch %d ms%n",
                    field(secondStarted, "electedAt") - pausedAt,
                    field(secondStarted, "electedAt") + field(secondStarted, "toQueryStartedMs") - pausedAt,
                    field(secondFirstBatch, "at") - pausedAt);
            System.out.printf("MEASURED kill -9 takeover: kill -> elected %d ms, -> query started %d ms, -> first batch %d ms"
                            + " (fencing %d ms; session timeout 3 s)%n",
                    field(againStarted, "electedAt") - killedAt,
                    field(againStarted, "electedAt") + field(againStarted, "toQueryStartedMs") - killedAt,
                    field(againFirstBatch, "at") - killedAt, field(againStarted, "fencingMs"));
        } finally {
            feeder.interrupt();
        }
    }
}
