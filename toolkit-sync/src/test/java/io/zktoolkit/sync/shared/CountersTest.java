package io.zktoolkit.sync.shared;

import io.zktoolkit.sync.CorruptSyncDataException;
import io.zktoolkit.sync.OutcomeUnknownException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.QuorumClients;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Counters and shared values on a real 3-server ensemble. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CountersTest {
    private QuorumClients zk;

    @BeforeEach
    void start() {
        zk = new QuorumClients();
    }

    @AfterEach
    void stop() {
        zk.close();
    }

    @Test
    void incrementsFromEightClientsWithAServerKilledMidRunAreNeitherLostNorDoubled() throws Exception {
        int clients = 8;
        int incrementsEach = 40;
        AtomicLong acknowledged = new AtomicLong();
        AtomicInteger unknown = new AtomicInteger();
        AtomicInteger startedHalf = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(clients);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            DistributedCounter counter = DistributedCounter.named(zk.open(), "rows");
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; i < incrementsEach; i++) {
                        if (i == incrementsEach / 2 && startedHalf.incrementAndGet() == clients) {
                            halfway.countDown();
                        }
                        try {
                            counter.increment();
                            acknowledged.incrementAndGet();
                        } catch (OutcomeUnknownException e) {
                            unknown.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }, "counter-client-" + c);
            threads.add(t);
            t.start();
        }
        // Kill a server once every client is half way, so some are connected to it mid-run.
        assertThat(halfway.await(120, TimeUnit.SECONDS)).as("every client reached half way").isTrue();
        zk.quorum().kill(0);
        assertThat(done.await(150, TimeUnit.SECONDS)).as("every client finished").isTrue();
        zk.quorum().restart(0);
        assertThat(failure.get()).as("no client failed otherwise").isNull();

        long total = DistributedCounter.named(zk.open(), "rows").get();
        System.out.printf("counter: %d acknowledged, %d unknown outcomes, final %d%n", acknowledged.get(), unknown.get(), total);
        assertThat(acknowledged.get() + unknown.get()).isEqualTo((long) clients * incrementsEach);
        // Acknowledged increments all landed; an unknown one landed at most once.
        assertThat(total).isBetween(acknowledged.get(), acknowledged.get() + unknown.get());
    }

    @Test
    void addAndGet() {
        DistributedCounter counter = DistributedCounter.named(zk.open(), "jobs/orders/rows");
        assertThat(counter.get()).isZero();
        assertThat(counter.increment()).isEqualTo(1);
        assertThat(counter.add(41)).isEqualTo(42);
        assertThat(counter.add(-2)).isEqualTo(40);
        assertThat(DistributedCounter.named(zk.open(), "jobs/orders/rows").get()).isEqualTo(40);
        counter.add(Long.MAX_VALUE - 40);
        assertThatThrownBy(counter::increment).isInstanceOf(ArithmeticException.class);
        assertThat(counter.get()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void compareAndSetLandsOnlyOnTheVersionItRead() {
        ToolkitClient client = zk.open();
        SharedValue owner = SharedValue.named(client, "imports/owner", "nobody");
        VersionedValue initial = owner.get();
        assertThat(initial.value()).isEqualTo("nobody");
        assertThat(initial.version()).isEqualTo(VersionedValue.NEVER_WRITTEN);

        assertThat(owner.compareAndSet(initial, "job-a")).isTrue();
        assertThat(owner.compareAndSet(initial, "job-b")).as("based on the never-written read").isFalse();
        VersionedValue a = owner.get();
        assertThat(a.value()).isEqualTo("job-a");
        assertThat(SharedValue.named(zk.open(), "imports/owner", "nobody").compareAndSet(a, "job\tc\nline")).isTrue();
        assertThat(owner.compareAndSet(a, "job-d")).isFalse();
        assertThat(owner.get().value()).isEqualTo("job\tc\nline");
    }

    @Test
    void foreignDataIsAnErrorNamingThePath() throws Exception {
        ToolkitClient client = zk.open();
        client.curator().create().creatingParentsIfNeeded().forPath("/counters/legacy", "17".getBytes(StandardCharsets.UTF_8));
        DistributedCounter legacy = DistributedCounter.named(client, "legacy");
        assertThatThrownBy(legacy::increment).isInstanceOf(CorruptSyncDataException.class).hasMessageContaining("/counters/legacy");
        assertThat(client.curator().getData().forPath("/counters/legacy")).isEqualTo("17".getBytes(StandardCharsets.UTF_8));

        SharedValue text = SharedValue.named(client, "text", "x");
        text.compareAndSet(text.get(), "not a number");
        DistributedCounter onText = new DistributedCounter(client.curator(), text.path(), java.time.Duration.ofSeconds(5));
        assertThatThrownBy(onText::get).isInstanceOf(CorruptSyncDataException.class)
                .hasMessageContaining("/values/text").hasMessageContaining("not a number");
    }
}
