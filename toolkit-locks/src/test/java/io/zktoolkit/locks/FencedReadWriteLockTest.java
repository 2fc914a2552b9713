package io.zktoolkit.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.QuorumClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fenced read-write lock on a real 3-server ensemble, each participant on its own client. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FencedReadWriteLockTest {
    private static final String PATH = "/locks/datasets/customers";
    private final QuorumClients zk = new QuorumClients();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
        zk.close();
    }

    private FencedReadWriteLock lockOnNewClient() {
        return new FencedReadWriteLock(zk.open().curator(), PATH);
    }

    @Test
    void readersShareAndAWriterExcludesEveryone() throws Exception {
        FencedReadWriteLock one = lockOnNewClient();
        FencedReadWriteLock two = lockOnNewClient();
        FencedReadWriteLock writer = lockOnNewClient();

        LockLease r1 = one.readLock().acquire(Duration.ofSeconds(5)).orElseThrow();
        LockLease r2 = two.readLock().acquire(Duration.ofSeconds(5)).orElseThrow();
        assertThat(r2.token()).isGreaterThan(r1.token());
        assertThat(writer.writeLock().acquire(Duration.ZERO)).as("a writer while two read").isEmpty();
        r1.release();
        assertThat(writer.writeLock().acquire(Duration.ZERO)).as("a writer while one reads").isEmpty();
        r2.release();

        LockLease w = writer.writeLock().acquire(Duration.ofSeconds(5)).orElseThrow();
        assertThat(w.token()).isGreaterThan(r2.token());
        assertThat(one.readLock().acquire(Duration.ZERO)).as("a reader while a writer writes").isEmpty();
        assertThat(two.writeLock().acquire(Duration.ZERO)).as("a second writer").isEmpty();
        w.release();
        assertThat(queue(zk.open())).as("timed-out tries leave no node behind").isEmpty();
    }

    @Test
    void aWaitingWriterIsNotOvertakenByLaterReaders() throws Exception {
        FencedReadWriteLock first = lockOnNewClient();
        FencedReadWriteLock writer = lockOnNewClient();
        FencedReadWriteLock late = lockOnNewClient();
        ToolkitClient observer = zk.open();
        List<String> order = new CopyOnWriteArrayList<>();

        LockLease reading = first.readLock().acquire(Duration.ofSeconds(5)).orElseThrow();
        CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
            LockLease lease = writer.writeLock().acquire(Duration.ofSeconds(30)).orElseThrow();
            order.add("writer");
            sleep(200);
            lease.release();
        }, threads);
        awaitQueueLength(observer, 2);
        CompletableFuture<Void> reads = CompletableFuture.runAsync(() -> {
            LockLease lease = late.readLock().acquire(Duration.ofSeconds(30)).orElseThrow();
            order.add("late reader");
            lease.release();
        }, threads);
        awaitQueueLength(observer, 3);
        sleep(300);
        assertThat(order).as("the late reader queues behind the waiting writer although a reader holds").isEmpty();

        reading.release();
        writes.get(30, TimeUnit.SECONDS);
        reads.get(30, TimeUnit.SECONDS);
        assertThat(order).containsExactly("writer", "late reader");
    }

    @Test
    void writersAndReadersNeverOverlapUnderContention() throws Exception {
        int participants = 6;
        AtomicInteger readers = new AtomicInteger();
        AtomicInteger writers = new AtomicInteger();
        List<String> violations = new CopyOnWriteArrayList<>();
        List<Long> writeTokens = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int p = 0; p < participants; p++) {
            FencedReadWriteLock lock = lockOnNewClient();
            boolean writes = p % 3 == 0;
            all.add(CompletableFuture.runAsync(() -> {
                await(go);
                for (int i = 0; i < 15; i++) {
                    LockLease lease = (writes ? lock.writeLock() : lock.readLock()).acquire(Duration.ofSeconds(60)).orElseThrow();
                    try {
                        int r = writes ? readers.get() : readers.incrementAndGet();
                        int w = writes ? writers.incrementAndGet() : writers.get();
                        if (w > 1 || (writes && r > 0) || (!writes && w > 0)) {
                            violations.add((writes ? "writer" : "reader") + " saw " + r + " readers and " + w + " writers");
                        }
                        if (writes) {
                            writeTokens.add(lease.token());
                        }
                        sleep(2);
                    } finally {
                        if (writes) {
                            writers.decrementAndGet();
                        } else {
                            readers.decrementAndGet();
                        }
                        lease.release();
                    }
                }
            }, threads));
        }
        go.countDown();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(100, TimeUnit.SECONDS);
        assertThat(violations).isEmpty();
        assertThat(writeTokens).hasSize(30).doesNotHaveDuplicates();
        assertThat(writeTokens).isSorted();
    }

    @Test
    void aWriteHolderAskingForTheReadLockIsRefusedAtOnce() {
        FencedReadWriteLock lock = lockOnNewClient();
        try (LockLease ignored = lock.writeLock().acquire(Duration.ofSeconds(5)).orElseThrow()) {
            assertThatThrownBy(() -> lock.readLock().acquire(Duration.ofSeconds(30)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already holds the exclusive lock on " + PATH + ", which conflicts with the read lock " + PATH);
            assertThatThrownBy(() -> lock.writeLock().acquire(Duration.ofSeconds(30)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already");
        }
        try (LockLease again = lock.readLock().acquire(Duration.ofSeconds(5)).orElseThrow()) {
            assertThat(again.state()).isEqualTo(FencedOwnership.State.HELD);
        }
    }

    @Test
    void anExpiredReadersFencedWriteIsRejectedAndTheWriterGetsIn() throws Exception {
        ToolkitClient readerClient = zk.open();
        ToolkitClient writerClient = zk.open();
        readerClient.curator().create().forPath("/dataset-version", "1".getBytes());
        LockLease reading = new FencedReadWriteLock(readerClient.curator(), PATH).readLock()
                .acquire(Duration.ofSeconds(5)).orElseThrow();
        FencedLock writeLock = new FencedReadWriteLock(writerClient.curator(), PATH).writeLock();
        assertThat(writeLock.acquire(Duration.ZERO)).as("the writer waits for the reader").isEmpty();

        zk.expireSession(readerClient);
        LockLease written = writeLock.acquire(Duration.ofSeconds(30)).orElseThrow();
        assertThat(written.token()).isGreaterThan(reading.token());
        assertThatThrownBy(() -> reading.fencedSetData("/dataset-version", "stale".getBytes()))
                .isInstanceOf(LockLostException.class)
                .hasMessageContaining("read lock " + PATH)
                .hasMessageContaining("Nothing was written");
        assertThat(new String(writerClient.curator().getData().forPath("/dataset-version"))).isEqualTo("1");
        written.fencedSetData("/dataset-version", "2".getBytes());
        assertThat(new String(writerClient.curator().getData().forPath("/dataset-version"))).isEqualTo("2");
        written.release();
        reading.release();
    }

    private static List<String> queue(ToolkitClient client) throws Exception {
        return client.curator().checkExists().forPath(PATH) == null ? List.of() : client.curator().getChildren().forPath(PATH);
    }

    private static void awaitQueueLength(ToolkitClient client, int length) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (queue(client).size() < length) {
            assertThat(System.nanoTime()).as("queue reaches " + length).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
