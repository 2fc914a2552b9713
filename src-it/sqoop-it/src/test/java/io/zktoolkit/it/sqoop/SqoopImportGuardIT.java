package io.zktoolkit.it.sqoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.locks.sqoop.GuardedImport;
import io.zktoolkit.locks.sqoop.ImportBusyException;
import io.zktoolkit.locks.sqoop.SqoopImportGuard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real Sqoop imports from a real PostgreSQL, guarded per table and capped per source database. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SqoopImportGuardIT {
    private static final int ROWS = 500;
    private static final String PASSWORD = "Guard-" + UUID.randomUUID();

    @TempDir
    static Path shared;
    private static SourceDatabase db;
    private static ToolkitClient zk;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        db = SourceDatabase.start(shared.resolve("postgres"), ROWS, PASSWORD);
        zk = ToolkitClient.open(ToolkitSettings.defaults());
    }

    @AfterAll
    static void stop() throws Exception {
        if (zk != null) {
            zk.close();
        }
        if (db != null) {
            db.close();
        }
    }

    /** A real import of the orders table with {@code mappers} mappers into its own folder; Sqoop's exit code. */
    private int importOrders(String name, int mappers) throws IOException {
        Path run = work.resolve(name);
        Files.createDirectories(run);
        Path passwordFile = run.resolve("password");
        Files.writeString(passwordFile, PASSWORD);
        return SqoopLocal.run(new String[] {"import", "--connect", db.jdbcUrl(), "--username", SourceDatabase.READER,
            "--password-file", passwordFile.toUri().toString(), "--table", SourceDatabase.TABLE,
            "--split-by", "id", "--num-mappers", Integer.toString(mappers), "--fields-terminated-by", "\\t",
            "--target-dir", run.resolve("out").toString(), "--bindir", run.resolve("bin").toString(),
            "--outdir", run.resolve("src").toString(), "--temporary-rootdir", run.resolve("tmp").toString()}, run);
    }

    private long importedRows(String name) throws IOException {
        try (Stream<Path> parts = Files.list(work.resolve(name).resolve("out"))) {
            long rows = 0;
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-m-")).toList()) {
                rows += Files.readAllLines(part, StandardCharsets.UTF_8).size();
            }
            return rows;
        }
    }

    @Test
    void twoImportsOfOneTableRunOneAfterTheOtherAndABusyTableFailsFastNamingItsHolder() throws Exception {
        SqoopImportGuard guard = SqoopImportGuard.forSource(zk, db.jdbcUrl(), 4);
        CountDownLatch firstHolds = new CountDownLatch(1);
        long[] firstEnded = new long[1];
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> {
            try (GuardedImport slot = guard.acquire(SourceDatabase.TABLE, 2, Duration.ofSeconds(30))) {
                firstHolds.countDown();
                int rc = importOrders("first", 2);
                slot.checkHeld();
                firstEnded[0] = System.nanoTime();
                return rc;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(firstHolds.await(30, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> guard.acquire(SourceDatabase.TABLE, 2, Duration.ZERO))
                .isInstanceOf(ImportBusyException.class)
                .hasMessageContaining("Table orders of source " + guard.source() + " is being imported by")
                .hasMessageContaining("pid " + ProcessHandle.current().pid());

        long secondStarted;
        int secondRc;
        try (GuardedImport slot = guard.acquire(SourceDatabase.TABLE, 2, Duration.ofSeconds(120))) {
            secondStarted = System.nanoTime();
            secondRc = importOrders("second", 2);
        }
        assertThat(first.get(120, TimeUnit.SECONDS)).isZero();
        assertThat(secondRc).isZero();
        assertThat(secondStarted).as("the second import started after the first ended").isGreaterThan(firstEnded[0]);
        assertThat(importedRows("first")).isEqualTo(ROWS);
        assertThat(importedRows("second")).isEqualTo(ROWS);
    }

    @Test
    void importsOfDifferentTablesShareTheSourcesMapperCap() throws Exception {
        SqoopImportGuard guard = SqoopImportGuard.forSource(zk, db.jdbcUrl(), 2);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<CompletableFuture<Integer>> imports = Stream.of("a", "b", "c").map(name ->
                CompletableFuture.supplyAsync(() -> {
                    // three tables' imports of one mapper each against a source allowing two
                    try (GuardedImport slot = guard.acquire("orders_" + name, 1, Duration.ofSeconds(120))) {
                        most.accumulateAndGet(running.incrementAndGet(), Math::max);
                        int rc = importOrders(name, 1);
                        running.decrementAndGet();
                        return rc;
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                })).toList();
        for (CompletableFuture<Integer> f : imports) {
            assertThat(f.get(180, TimeUnit.SECONDS)).isZero();
        }
        assertThat(most.get()).as("imports running at once").isEqualTo(2);
        for (String name : List.of("a", "b", "c")) {
            assertThat(importedRows(name)).isEqualTo(ROWS);
        }
        assertThatThrownBy(() -> guard.acquire("orders", 3, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allows 1 to 2");
    }
}
