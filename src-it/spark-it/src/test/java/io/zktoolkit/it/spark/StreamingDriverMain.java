package io.zktoolkit.it.spark;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.recovery.spark.ActiveStreamingQuery;
import io.zktoolkit.recovery.spark.BatchOutput;
import io.zktoolkit.recovery.spark.BatchRefusedException;
import io.zktoolkit.recovery.spark.FencedBatchSink;
import io.zktoolkit.recovery.spark.QueryTakeover;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * A Spark driver in its own JVM that takes part in an active/standby group for one streaming
 * query: text files from an input folder, each batch written through a fenced sink to
 * {@code batch-<id>.txt} in the output folder (staged first under {@code _staging}). It prints
 * what it does, one line each, for the test to follow: {@value #READY}, {@code STATE}, {@code
 * STARTED}, {@code FIRST BATCH}, {@code STAGED}, {@code HOLDING}, {@code PUBLISHED},
 * {@code REFUSED}; times are epoch milliseconds of this host's clock.
 *
 * <p>Arguments: ZooKeeper connect string, group, participant id, input folder, checkpoint folder,
 * output folder, and N: as the group's first active (no previous active), hold the N-th batch it
 * stages for {@value #HOLD_MS} ms after staging, ignoring interrupts, as a long GC pause or a slow
 * write would (0: never).
 */
public final class StreamingDriverMain {
    static final String READY = "READY";
    static final long HOLD_MS = 12_000;

    private StreamingDriverMain() {
    }

    public static void main(String[] args) throws Exception {
        String connect = args[0];
        String group = args[1];
        String id = args[2];
        String input = args[3];
        String checkpoint = args[4];
        Path out = Path.of(args[5]);
        int holdAt = Integer.parseInt(args[6]);

        SparkSession.Builder builder = SparkSession.builder().appName("standby-" + id).master("local[1]");
        SparkIt.LOCAL_DRIVER.forEach((key, value) -> {
            if (!key.equals("spark.master")) {
                builder.config(key, value);
            }
        });
        SparkSession spark = builder.getOrCreate();
        ToolkitClient zk = ToolkitClient.open(ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, connect)
                .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofSeconds(3))
                .set(ToolkitKeys.CONNECTION_TIMEOUT, Duration.ofSeconds(3))
                .set(ToolkitKeys.RETRY_BASE_SLEEP, Duration.ofMillis(50))
                .set(ToolkitKeys.RETRY_MAX_SLEEP, Duration.ofMillis(500))
                .build());
        ActiveStreamingQuery driver = ActiveStreamingQuery.builder(zk, spark, group, id, run -> {
            FilesOutput output = new FilesOutput(out, run.takeover().previous().isEmpty() ? holdAt : 0);
            FencedBatchSink sink = run.fencedSink("out", output);
            return run.spark().readStream().option("maxFilesPerTrigger", "1").text(input)
                    .writeStream()
                    .option("checkpointLocation", checkpoint)
                    .foreachBatch((Dataset<Row> batch, Long batchId) -> {
                        try {
                            sink.call(batch, batchId);
                        } catch (BatchRefusedException e) {
                            say("REFUSED batch=" + batchId + " token=" + e.token() + ": " + e.getMessage());
                            throw e;
                        }
                    })
                    .start();
        }).build();
        driver.start();
        say(READY + " " + id);
        report(driver);
    }

    /** Prints state changes and each takeover's timing as they happen, until the JVM is ended. */
    private static void report(ActiveStreamingQuery driver) throws InterruptedException {
        ActiveStreamingQuery.State said = null;
        int started = 0;
        int timed = 0;
        while (true) {
            ActiveStreamingQuery.State now = driver.state();
            if (now != said) {
                say("STATE " + now);
                said = now;
            }
            List<QueryTakeover> takeovers = driver.takeovers();
            for (; started < takeovers.size(); started++) {
                QueryTakeover t = takeovers.get(started);
                say("STARTED token=" + t.token() + " previous=" + t.previous().orElse("none") + " electedAt="
                        + t.electedAt().toEpochMilli() + " fencingMs=" + t.fencing().toMillis() + " toQueryStartedMs="
                        + t.toQueryStarted().toMillis());
            }
            for (; timed < takeovers.size() && takeovers.get(timed).toFirstBatch().isPresent(); timed++) {
                QueryTakeover t = takeovers.get(timed);
                say("FIRST BATCH token=" + t.token() + " batch=" + t.firstBatchId().getAsLong() + " at="
                        + t.electedAt().plus(t.toFirstBatch().get()).toEpochMilli() + " toFirstBatchMs="
                        + t.toFirstBatch().get().toMillis());
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** One file per committed batch; attempts staged under {@code _staging} and moved in when committed. */
    static final class FilesOutput implements BatchOutput {
        private final Path out;
        private final Path staging;
        private final int holdAt;
        private int staged;

        FilesOutput(Path out, int holdAt) throws IOException {
            this.out = out;
            this.staging = Files.createDirectories(out.resolve("_staging"));
            this.holdAt = holdAt;
        }

        static Path committed(Path out, long batchId) {
            return out.resolve(String.format("batch-%05d.txt", batchId));
        }

        private Path attempt(long batchId, long token) {
            return staging.resolve("batch-" + batchId + "-" + token + ".txt");
        }

        @Override
        public void stage(Dataset<Row> batch, long batchId, long token) throws IOException {
            List<String> rows = batch.select("value").as(Encoders.STRING()).collectAsList();
            Path tmp = staging.resolve("." + batchId + "-" + token + ".tmp");
            Files.write(tmp, rows, StandardCharsets.UTF_8);
            Files.move(tmp, attempt(batchId, token), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            say("STAGED batch=" + batchId + " token=" + token + " rows=" + rows.size());
            if (++staged == holdAt) {
                say("HOLDING batch=" + batchId + " token=" + token);
                holdIgnoringInterrupts();
            }
        }

        @Override
        public void publish(long batchId, long token) throws IOException {
            Path from = attempt(batchId, token);
            if (Files.exists(from)) {
                Files.move(from, committed(out, batchId), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else if (!Files.exists(committed(out, batchId))) {
                throw new IOException("Neither attempt " + from + " nor the committed " + committed(out, batchId) + " exists");
            }
            say("PUBLISHED batch=" + batchId + " token=" + token);
        }

        @Override
        public void discard(long batchId, long token) throws IOException {
            Files.deleteIfExists(attempt(batchId, token));
            say("DISCARDED batch=" + batchId + " token=" + token);
        }

        private static void holdIgnoringInterrupts() {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HOLD_MS);
            boolean interrupted = false;
            while (System.nanoTime() - end < 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                interrupted |= Thread.interrupted();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
