package io.zktoolkit.sync.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.QuorumClients;
import io.zktoolkit.sync.CorruptSyncDataException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Shared job state on a real 3-server ensemble: publishing, watching, waiting, retention, failures. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class JobBoardTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private QuorumClients zk;

    @BeforeEach
    void start() {
        zk = new QuorumClients();
    }

    @AfterEach
    void stop() {
        zk.close();
    }

    private JobBoard board(ToolkitClient client) {
        JobBoard board = zk.closeLater(JobBoard.builder(client).build());
        board.start();
        return board;
    }

    @Test
    void anotherProcessSeesStateProgressTasksAndResultsAndEveryTransitionInOrder() throws Exception {
        JobBoard publisherBoard = board(zk.open());
        JobBoard watcherBoard = board(zk.open());
        RecordingListener watcher = new RecordingListener();
        watcherBoard.addListener(watcher);

        try (JobReporter job = publisherBoard.publish("orders-2026-11-22")) {
            job.running();
            job.progress(1, 2);
            job.task("part-0").running();
            job.task("part-0").succeeded(Map.of("rows", "600"));
            job.task("part-1").running();
            job.task("part-1").failed("connection reset by the source");
            job.task("part-1").running();
            job.task("part-1").succeeded(Map.of("rows", "400"));
            job.progress(2, 2);
            job.succeeded(Map.of("rows", "1000"));
        }

        RunStatus done = watcherBoard.awaitFinished("orders-2026-11-22", WAIT);
        assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(done.attributes()).containsEntry("rows", "1000");
        assertThat(done.fraction()).contains(1.0);
        JobSnapshot seen = watcherBoard.job("orders-2026-11-22").orElseThrow();
        assertThat(seen.tasks()).containsOnlyKeys("part-0", "part-1");
        assertThat(seen.tasksIn(RunState.SUCCEEDED)).isEqualTo(2);
        // The publisher's close (its liveness node going) may reach the watcher's session after the final state.
        waitUntil(() -> !watcherBoard.job("orders-2026-11-22").orElseThrow().publisherAlive());
        assertThat(watcherBoard.job("orders-2026-11-22").orElseThrow().isAbandoned()).as("finished, so not abandoned").isFalse();

        waitUntil(() -> watcher.states("orders-2026-11-22/part-1").size() == 5);
        // Quick updates fold into fewer notifications, yet every transition arrives, in order.
        assertThat(watcher.states("orders-2026-11-22")).containsExactly(RunState.QUEUED, RunState.RUNNING, RunState.SUCCEEDED);
        assertThat(watcher.states("orders-2026-11-22/part-1")).containsExactly(RunState.QUEUED, RunState.RUNNING,
                RunState.FAILED, RunState.RUNNING, RunState.SUCCEEDED);
        assertThat(watcher.transitions.get("orders-2026-11-22/part-1").get(2).reason()).isEqualTo("connection reset by the source");
        assertThat(watcher.missed).isEmpty();
    }

    /**
     * The job's end and its tasks' statuses land in one transaction (written while the quorum was
     * away, so the writer queued them all), but the watcher's cache reads a new task znode only
     * after listing the tasks: awaitFinished must still return with every task in the view.
     */
    @Test
    void awaitFinishedReturnsWithEveryTaskWrittenInTheSameTransactionAsTheEnd() throws Exception {
        JobBoard publisherBoard = board(zk.open());
        JobBoard watcherBoard = board(zk.open());
        int tasks = 150;   // with the job, within one batch of the writer
        for (int round = 0; round < 3; round++) {
            String id = "burst-" + round;
            try (JobReporter job = publisherBoard.publish(id)) {
                awaitOnView(watcherBoard, id);
                zk.quorum().kill(1);
                zk.quorum().kill(2);
                for (int t = 0; t < tasks; t++) {
                    job.task("t-" + t).succeeded(Map.of());
                }
                job.succeeded(Map.of());
                zk.quorum().restart(1);
                zk.quorum().restart(2);
                RunStatus end = watcherBoard.awaitFinished(id, WAIT);
                JobSnapshot seen = watcherBoard.job(id).orElseThrow();
                assertThat(end.state()).isEqualTo(RunState.SUCCEEDED);
                assertThat(seen.tasks()).as("round " + round).hasSize(tasks);
                assertThat(seen.tasksIn(RunState.SUCCEEDED)).isEqualTo(tasks);
            }
        }
    }

    private static void awaitOnView(JobBoard board, String id) throws InterruptedException {
        waitUntil(() -> board.job(id).isPresent());
    }

    @Test
    void noWatcherLosesOrReordersAnUpdateWhileAServerIsKilledMidRun() throws Exception {
        JobBoard publisherBoard = board(zk.open());
        List<RecordingListener> watchers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RecordingListener w = new RecordingListener();
            board(zk.open()).addListener(w);
            watchers.add(w);
        }
        Map<String, List<RunState>> published = new HashMap<>();
        List<JobReporter> jobs = new ArrayList<>();
        for (int j = 0; j < 3; j++) {
            jobs.add(publisherBoard.publish("load-" + j));
        }
        int tasks = 20;
        for (int round = 0; round < tasks; round++) {
            if (round == tasks / 2) {
                zk.quorum().kill(0);
            }
            for (JobReporter job : jobs) {
                if (round == 0) {
                    job.running();
                }
                TaskReporter task = job.task("t-" + round);
                List<RunState> states = new ArrayList<>(List.of(RunState.QUEUED, RunState.RUNNING));
                task.running();
                if (round % 3 == 0) {
                    task.failed("attempt 1 lost its executor");
                    task.running();
                    states.addAll(List.of(RunState.FAILED, RunState.RUNNING));
                }
                task.progress(1, 1);
                task.succeeded();
                states.add(RunState.SUCCEEDED);
                published.put(RecordingListener.key(job.id(), task.id()), states);
                job.progress(round + 1, tasks);
                Thread.sleep(20);
            }
        }
        for (JobReporter job : jobs) {
            job.succeeded();
            published.put(job.id(), List.of(RunState.QUEUED, RunState.RUNNING, RunState.SUCCEEDED));
            assertThat(job.flush(WAIT)).as("every update of %s written", job.id()).isTrue();
            job.close();
        }
        zk.quorum().restart(0);

        for (RecordingListener w : watchers) {
            waitUntil(() -> published.entrySet().stream().allMatch(e -> w.states(e.getKey()).size() == e.getValue().size()));
            published.forEach((key, states) -> {
                assertThat(w.states(key)).as("transitions seen for %s", key).isEqualTo(states);
                List<Integer> ordinals = w.transitions.get(key).stream().map(Transition::ordinal).toList();
                assertThat(ordinals).as("ordinals of %s", key).isSorted().doesNotHaveDuplicates();
                assertThat(w.sequences.get(key)).as("sequences of %s never go down", key).isSorted().doesNotHaveDuplicates();
            });
            assertThat(w.missed).isEmpty();
        }
    }

    @Test
    void aJobWhosePublisherDiesIsAbandonedAndCanBeResumedWithItsHistory() throws Exception {
        ToolkitClient publisherClient = zk.open();
        JobBoard publisherBoard = JobBoard.builder(publisherClient).build();
        publisherBoard.start();
        JobBoard watcherBoard = board(zk.open());
        RecordingListener watcher = new RecordingListener();
        watcherBoard.addListener(watcher);

        JobReporter job = publisherBoard.publish("nightly-7");
        job.running();
        job.task("a").running();
        assertThat(job.flush(WAIT)).isTrue();
        publisherClient.close();   // the process is gone: its session ends, its marker with it

        assertThatThrownBy(() -> watcherBoard.awaitFinished("nightly-7", WAIT))
                .isInstanceOf(JobStateException.class)
                .hasMessageContaining("Job nightly-7 was abandoned RUNNING");
        waitUntil(() -> watcher.abandoned.contains("nightly-7:RUNNING"));
        assertThat(watcherBoard.job("nightly-7").orElseThrow().isAbandoned()).isTrue();

        try (JobReporter resumed = board(zk.open()).resume("nightly-7")) {
            assertThat(resumed.status().state()).isEqualTo(RunState.RUNNING);
            resumed.task("a").succeeded();
            resumed.succeeded();
        }
        assertThat(watcherBoard.awaitFinished("nightly-7", WAIT).state()).isEqualTo(RunState.SUCCEEDED);
        waitUntil(() -> watcher.states("nightly-7/a").size() == 3);
        assertThat(watcher.states("nightly-7/a")).containsExactly(RunState.QUEUED, RunState.RUNNING, RunState.SUCCEEDED);
        assertThat(watcher.states("nightly-7")).containsExactly(RunState.QUEUED, RunState.RUNNING, RunState.SUCCEEDED);
    }

    @Test
    void aPublisherWhoseSessionExpiresKeepsPublishingAndStaysAlive() throws Exception {
        ToolkitClient publisherClient = zk.open(Duration.ofSeconds(4));
        JobBoard publisherBoard = board(publisherClient);
        JobBoard watcherBoard = board(zk.open());
        try (JobReporter job = publisherBoard.publish("expiring")) {
            job.running();
            assertThat(job.flush(WAIT)).isTrue();
            zk.expireSession(publisherClient);
            job.progress(5, 10);
            assertThat(job.flush(WAIT)).isTrue();
            waitUntil(() -> watcherBoard.job("expiring").map(s -> s.job().done() == 5 && s.publisherAlive()).orElse(false));
            job.succeeded();
        }
        assertThat(watcherBoard.awaitFinished("expiring", WAIT).state()).isEqualTo(RunState.SUCCEEDED);
    }

    @Test
    void awaitFinishedWaitsForAJobNotYetPublishedAndReportsFailureAndTimeout() throws Exception {
        JobBoard board = board(zk.open());
        Thread later = new Thread(() -> {
            try (JobReporter job = board.publish("hive-step")) {
                job.running();
                job.failed("SemanticException: table shop.orders not found");
            }
        });
        later.start();
        RunStatus failed = board.awaitFinished("hive-step", WAIT);
        assertThat(failed.state()).isEqualTo(RunState.FAILED);
        assertThat(failed.message()).isEqualTo("SemanticException: table shop.orders not found");

        try (JobReporter slow = board.publish("slow-step")) {
            slow.running();
            slow.progress(3, 10);
            assertThat(slow.flush(WAIT)).isTrue();
            waitUntil(() -> board.job("slow-step").map(s -> s.job().done() == 3).orElse(false));
            assertThatThrownBy(() -> board.awaitFinished("slow-step", Duration.ofMillis(300)))
                    .isInstanceOf(JobStateException.class)
                    .hasMessageContaining("slow-step did not finish within PT0.3S: RUNNING since")
                    .hasMessageContaining("3 of 10 done");
        }
        assertThatThrownBy(() -> board.awaitFinished("never-published", Duration.ofMillis(200)))
                .hasMessageContaining("never appeared at /jobs/never-published");
    }

    @Test
    void finishedJobsAreKeptForTheRetentionTimeAndCountThenRemoved() throws Exception {
        ToolkitClient client = zk.open();
        MutableClock clock = new MutableClock(Instant.parse("2026-11-22T08:00:00Z"));
        JobBoard board = zk.closeLater(JobBoard.builder(client).clock(clock).retention(Duration.ofHours(1)).keepFinished(3).build());
        board.start();
        RecordingListener watcher = new RecordingListener();
        board.addListener(watcher);
        for (int i = 0; i < 5; i++) {
            try (JobReporter job = board.publish("done-" + i)) {
                job.running();
                job.succeeded();
            }
            clock.advance(Duration.ofMinutes(1));
        }
        JobReporter running = board.publish("still-running");
        running.running();
        JobBoard other = zk.closeLater(JobBoard.builder(zk.open()).clock(clock).build());
        other.start();
        JobReporter abandoned = other.publish("abandoned");
        abandoned.running();
        abandoned.close();
        waitUntil(() -> board.jobs().size() == 7 && board.job("abandoned").map(JobSnapshot::isAbandoned).orElse(false));

        assertThat(board.cleanUp()).as("by count: the two oldest finished").containsExactlyInAnyOrder("done-0", "done-1");
        clock.advance(Duration.ofHours(2));
        assertThat(board.cleanUp()).as("by time: every finished and the abandoned one")
                .containsExactlyInAnyOrder("done-2", "done-3", "done-4", "abandoned");
        waitUntil(() -> board.jobs().size() == 1);
        assertThat(board.job("still-running")).isPresent();
        assertThat(zk.open().curator().getChildren().forPath("/jobs")).containsExactly("still-running");
        waitUntil(() -> watcher.removed.size() == 6);
        running.close();
    }

    @Test
    void badInputAndIllegalMovesAreRefusedWithClearErrors() throws Exception {
        ToolkitClient client = zk.open();
        JobBoard board = board(client);
        assertThatThrownBy(() -> board.publish("../etc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid job id '../etc'");
        assertThatThrownBy(() -> board.publish("")).isInstanceOf(IllegalArgumentException.class);
        try (JobReporter job = board.publish("once")) {
            assertThatThrownBy(() -> board.publish("once")).isInstanceOf(JobStateException.class)
                    .hasMessageContaining("Job once is already on the board at /jobs/once")
                    .hasMessageContaining("resume(\"once\")");
            assertThatThrownBy(() -> job.task("a/b")).hasMessageContaining("Invalid task id 'a/b'");
            assertThatThrownBy(() -> job.progress(-1, 3)).hasMessageContaining("progress must not be negative");
            assertThatThrownBy(() -> job.failed(" ")).hasMessageContaining("needs a reason");
            job.succeeded();
            assertThatThrownBy(job::running).isInstanceOf(IllegalStateException.class)
                    .hasMessage("Job once already SUCCEEDED; it cannot become RUNNING");
            assertThatThrownBy(() -> board.resume("once")).hasMessageContaining("still published by a live process");
        }
        assertThatThrownBy(() -> board.resume("once")).hasMessageContaining("already SUCCEEDED");
        assertThatThrownBy(() -> board.resume("missing")).hasMessageContaining("Job missing is not on the board at /jobs/missing");

        // foreign data at a job's znode: the view skips it, resume names the path
        client.curator().create().forPath("/jobs/foreign", "{\"state\":\"RUNNING\"}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> board.resume("foreign")).isInstanceOf(CorruptSyncDataException.class)
                .hasMessageContaining("Znode /jobs/foreign does not hold data this toolkit wrote");
        assertThat(board.job("foreign")).isEmpty();
        assertThatThrownBy(() -> JobBoard.builder(client).build().publish("x")).hasMessageContaining("call start() first");
    }

    private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            Thread.sleep(20);
        }
    }

    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
