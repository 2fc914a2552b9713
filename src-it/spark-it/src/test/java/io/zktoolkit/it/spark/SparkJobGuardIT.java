package io.zktoolkit.it.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.zktoolkit.config.OwnershipPolicy;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.ZooKeeperUnavailableException;
import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.InJvmQuorum;
import io.zktoolkit.it.harness.SessionExpiry;
import io.zktoolkit.locks.FencedOwnership;
import io.zktoolkit.locks.LockLostException;
import io.zktoolkit.locks.spark.JobBusyException;
import io.zktoolkit.locks.spark.SparkJobGuard;
import io.zktoolkit.locks.spark.SparkJobGuard.OnBusy;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The job guard with real Spark and a real 3-server quorum.
 *
 * <p><b>Two drivers in one test.</b> Spark allows one active SparkContext per JVM, so the WAIT
 * and FAIL_FAST tests run each "driver" as a thread with its own ToolkitClient (its own ZooKeeper
 * session, hence its own lock node and {@code Holder}, as a second driver process would have)
 * and its own guard, on one shared {@code local[4]} context. Each guard tags and cancels only its
 * own thread's Spark jobs, so they do not interfere. EXIT ends the JVM, so that test's second
 * driver is a real second driver process ({@link GuardedDriverMain} in a {@link ChildJvm}, with
 * its own SparkContext), configured by SparkConf keys as a submitted job would be.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SparkJobGuardIT {
    /** Holds the tasks of the unguarded job in the session expiry test until the guarded job was cancelled. */
    private static volatile CountDownLatch outsideMayFinish;

    private static InJvmQuorum quorum;
    private static SparkSession spark;
    private static SparkContext sc;
    /** Made before any guard starts, so its threads inherit no guard's job tag. */
    private static ExecutorService drivers;
    private final List<ToolkitClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        quorum = SparkIt.startQuorum();
        SparkConf conf = new SparkConf(false).setAppName("job-guard-it");
        SparkIt.LOCAL_DRIVER.forEach(conf::set);
        conf.setMaster("local[4]");
        spark = SparkSession.builder().config(conf).getOrCreate();
        sc = spark.sparkContext();
        drivers = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() throws Exception {
        if (drivers != null) {
            drivers.shutdownNow();
        }
        if (spark != null) {
            spark.stop();
        }
        if (quorum != null) {
            quorum.close();
        }
    }

    @AfterEach
    void closeClients() {
        clients.forEach(ToolkitClient::close);
    }

    /** A driver's own client: its own session, as a second driver process would have. */
    private ToolkitClient driverClient() {
        return driverClient(OwnershipPolicy.SUSPENDED);
    }

    private ToolkitClient driverClient(OwnershipPolicy lostOn) {
        ToolkitClient client = ToolkitClient.open(ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, quorum.connectString())
                .set(ToolkitKeys.OWNERSHIP_LOST_ON, lostOn)
                .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofSeconds(5))
                .set(ToolkitKeys.RETRY_BASE_SLEEP, Duration.ofMillis(50))
                .set(ToolkitKeys.RETRY_MAX_SLEEP, Duration.ofMillis(500))
                .build());
        clients.add(client);
        return client;
    }

    /** A real Spark job: the sum of 0..999 over 4 partitions. */
    private static long sparkJob() {
        return JavaSparkContext.fromSparkContext(sc).parallelize(IntStream.range(0, 1000).boxed().toList(), 4)
                .map(Integer::longValue).reduce(Long::sum);
    }

    /** Runs a guarded job on another thread that holds the job until {@code release} opens. */
    private Future<Long> holdJob(String name, CountDownLatch holding, CountDownLatch release) {
        ToolkitClient zk = driverClient();
        return drivers.submit(() -> SparkJobGuard.builder(zk, sc).name(name).build().run(() -> {
            long sum = sparkJob();
            holding.countDown();
            release.await();
            return sum;
        }));
    }

    @Test
    void aSecondDriverFailsFastNamingTheHoldersHostPidJobAndSince() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Long> first = holdJob("orders-fail-fast", holding, release);
        assertThat(holding.await(60, TimeUnit.SECONDS)).isTrue();

        SparkConf submitted = new SparkConf(false)
                .set(SparkJobGuard.NAME_KEY, "orders-fail-fast")
                .set(SparkJobGuard.ON_BUSY_KEY, "fail-fast");
        SparkJobGuard second = SparkJobGuard.builder(driverClient(), sc).conf(submitted).build();
        AtomicBoolean secondRan = new AtomicBoolean();
        long started = System.nanoTime();

        JobBusyException busy = (JobBusyException) catchThrowable(() -> second.run(() -> secondRan.getAndSet(true)));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(busy).hasMessageContaining("Spark job orders-fail-fast is already running: held by orders-fail-fast,"
                        + " Spark app " + sc.applicationId())
                .hasMessageContaining("(pid " + ProcessHandle.current().pid() + " on "
                        + InetAddress.getLocalHost().getHostName() + ")")
                .hasMessageContaining(" since 20")
                .hasMessageContaining("lock /locks/spark/jobs/orders-fail-fast")
                .hasMessageContaining("gives up (spark.zktoolkit.job.guard.onBusy=fail-fast)");
        assertThat(busy.holder()).get().extracting(h -> h.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(busy.since()).isPresent();
        assertThat(secondRan).isFalse();
        assertThat(second.state()).isEqualTo(SparkJobGuard.State.LATENT);

        release.countDown();
        assertThat(first.get(60, TimeUnit.SECONDS)).isEqualTo(499_500L);
    }

    @Test
    void aWaitingDriverRunsOnlyAfterTheHolderEndsAndWithAHigherToken() throws Exception {
        ToolkitClient firstZk = driverClient();
        ToolkitClient secondZk = driverClient();
        CountDownLatch firstHolds = new CountDownLatch(1);
        long[] firstSpan = new long[2];
        long[] secondSpan = new long[2];
        long[] tokens = new long[2];
        SparkJobGuard first = SparkJobGuard.builder(firstZk, sc).name("orders-wait").build();
        Future<Long> firstRun = drivers.submit(() -> first.run(() -> {
            firstSpan[0] = System.nanoTime();
            tokens[0] = first.token();
            firstHolds.countDown();
            long sum = 0;
            for (int i = 0; i < 5; i++) { // a job of several Spark jobs, holding the guard throughout
                sum += sparkJob();
                Thread.sleep(200);
            }
            firstSpan[1] = System.nanoTime();
            return sum;
        }));
        assertThat(firstHolds.await(60, TimeUnit.SECONDS)).isTrue();

        SparkJobGuard second = SparkJobGuard.builder(secondZk, sc).name("orders-wait").onBusy(OnBusy.WAIT)
                .waitAtMost(Duration.ofSeconds(60)).build();
        Future<Long> secondRun = drivers.submit(() -> second.run(() -> {
            secondSpan[0] = System.nanoTime();
            tokens[1] = second.token();
            long sum = sparkJob();
            secondSpan[1] = System.nanoTime();
            return sum;
        }));

        assertThat(firstRun.get(60, TimeUnit.SECONDS)).isEqualTo(5 * 499_500L);
        assertThat(secondRun.get(60, TimeUnit.SECONDS)).isEqualTo(499_500L);
        assertThat(secondSpan[0]).as("second body starts after the first ended").isGreaterThan(firstSpan[1]);
        assertThat(tokens[1]).isGreaterThan(tokens[0]);
    }

    @Test
    void aWaitThatRunsOutFailsNamingTheHolder() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Long> first = holdJob("orders-deadline", holding, release);
        assertThat(holding.await(60, TimeUnit.SECONDS)).isTrue();
        SparkConf submitted = new SparkConf(false)
                .set(SparkJobGuard.NAME_KEY, "orders-deadline")
                .set(SparkJobGuard.ON_BUSY_KEY, "WAIT")
                .set(SparkJobGuard.WAIT_KEY, "800ms");
        SparkJobGuard second = SparkJobGuard.builder(driverClient(), sc).conf(submitted).build();
        long started = System.nanoTime();

        assertThatThrownBy(second::start)
                .isInstanceOf(JobBusyException.class)
                .hasMessageContaining("held by orders-deadline, Spark app " + sc.applicationId())
                .hasMessageContaining("waited 800 ms (spark.zktoolkit.job.guard.onBusy=wait, spark.zktoolkit.job.guard.wait)");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(800));

        release.countDown();
        first.get(60, TimeUnit.SECONDS);
    }

    @Test
    void aSecondDriverProcessWithOnBusyExitExitsWith75NamingTheHolder() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Long> first = holdJob("orders-exit", holding, release);
        assertThat(holding.await(60, TimeUnit.SECONDS)).isTrue();

        ChildJvm.Builder secondDriverJvm = ChildJvm.builder(GuardedDriverMain.class.getName())
                .name("second-driver")
                .jvmOption("-Xmx512m")
                .args(quorum.connectString(), "orders-exit", "exit");
        SparkIt.javaModuleOptions().forEach(secondDriverJvm::jvmOption);
        try (ChildJvm secondDriver = secondDriverJvm.start()) {
            int exitCode = secondDriver.waitForExit(Duration.ofSeconds(90));

            assertThat(exitCode).as(secondDriver.recentOutput()).isEqualTo(SparkJobGuard.EXIT_BUSY);
            String said = String.join("\n", secondDriver.lines());
            assertThat(said).contains("Spark job orders-exit is already running: held by orders-exit, Spark app "
                            + sc.applicationId() + " (pid " + ProcessHandle.current().pid())
                    .contains("exits with code 75 (spark.zktoolkit.job.guard.onBusy=exit)")
                    .doesNotContain(GuardedDriverMain.RAN);
        }
        release.countDown();
        first.get(60, TimeUnit.SECONDS);
    }

    /**
     * With {@code zk.ownership.lost.on=suspended} the guard stops at the suspension that comes
     * with the expiry; with {@code lost} it keeps running through the suspension and stops when
     * the session is reported lost. Either way the run ends and the lock is LOST.
     */
    @ParameterizedTest(name = "zk.ownership.lost.on={0}")
    @EnumSource(OwnershipPolicy.class)
    void aDriverWhoseSessionExpiresHasItsRunningAndLaterJobsCancelledAndItsGuardReportsLost(OwnershipPolicy lostOn)
            throws Exception {
        outsideMayFinish = new CountDownLatch(1);
        ToolkitClient zk = driverClient(lostOn);
        SparkJobGuard guard = SparkJobGuard.builder(zk, sc).name("orders-expiring").build();
        CountDownLatch tasksRunning = new CountDownLatch(4); // 2 of the unguarded job, 2 of the guarded one
        SparkListener taskStarts = new SparkListener() {
            @Override
            public void onTaskStart(SparkListenerTaskStart event) {
                tasksRunning.countDown();
            }
        };
        sc.addSparkListener(taskStarts);
        // Another job on the same context, outside the guard, running until the guarded job was
        // cancelled: the guard must leave it alone. (local mode: its tasks run in this JVM.)
        Future<Long> unguarded = drivers.submit(() -> JavaSparkContext.fromSparkContext(sc)
                .parallelize(List.of(1, 2), 2)
                .map(i -> {
                    outsideMayFinish.await(60, TimeUnit.SECONDS);
                    return (long) i;
                }).reduce(Long::sum));

        guard.start();
        try {
            JavaRDD<Integer> slow = JavaSparkContext.fromSparkContext(sc).parallelize(List.of(1, 2), 2);
            JavaFutureAction<Void> guarded = slow.foreachPartitionAsync(rows -> Thread.sleep(120_000));
            assertThat(tasksRunning.await(30, TimeUnit.SECONDS)).isTrue();
            long expired = System.nanoTime();

            SessionExpiry.expire(zk.curator().getZookeeperClient().getZooKeeper(), quorum.connectString());

            ExecutionException cancelled = (ExecutionException) catchThrowable(() -> guarded.get(60, TimeUnit.SECONDS));
            Duration toCancel = Duration.ofNanos(System.nanoTime() - expired);
            assertThat(cancelled.getCause()).isInstanceOf(SparkException.class)
                    .hasMessageContaining("zktoolkit job guard of orders-expiring lost");
            // The tasks were interrupted, not left to sleep their two minutes.
            assertThat(toCancel).isLessThan(Duration.ofSeconds(30));
            assertThat(guard.state()).isEqualTo(SparkJobGuard.State.STOPPED);
            SparkIt.await(Duration.ofSeconds(30), "the lease to be LOST", () -> guard.lease().state().toString(),
                    () -> guard.lease().state() == FencedOwnership.State.LOST);
            assertThatThrownBy(guard::checkHeld).isInstanceOf(LockLostException.class)
                    .hasMessageContaining("Spark job orders-expiring (token " + guard.token() + ") was stopped: "
                            + (lostOn == OwnershipPolicy.SUSPENDED ? "the connection to ZooKeeper was suspended"
                                    : "its lock " + guard.lease().nodePath() + " was lost"));

            // A Spark job started after the loss is cancelled as well, as soon as Spark reports its start.
            long later = System.nanoTime();
            assertThatThrownBy(() -> slow.foreachPartition(rows -> Thread.sleep(120_000)))
                    .isInstanceOf(SparkException.class)
                    .hasMessageContaining("zktoolkit job guard of orders-expiring lost");
            assertThat(Duration.ofNanos(System.nanoTime() - later)).isLessThan(Duration.ofSeconds(30));
        } finally {
            outsideMayFinish.countDown();
            sc.removeSparkListener(taskStarts);
            guard.close();
        }
        assertThat(unguarded.get(60, TimeUnit.SECONDS)).as("the job outside the guard").isEqualTo(3L);

        // The job is free again for the next driver, whose token is higher.
        SparkJobGuard next = SparkJobGuard.builder(driverClient(), sc).name("orders-expiring").build();
        AtomicInteger ran = new AtomicInteger();
        next.run(() -> ran.incrementAndGet());
        assertThat(ran).hasValue(1);
    }

    @Test
    void aMissingOrInvalidNameOrSettingIsRefusedNamingTheKey() {
        SparkConf empty = new SparkConf(false).set(SparkJobGuard.NAME_KEY, "");
        SparkConf spaced = new SparkConf(false).set(SparkJobGuard.NAME_KEY, "daily orders");
        SparkConf badPolicy = new SparkConf(false).set(SparkJobGuard.NAME_KEY, "ok").set(SparkJobGuard.ON_BUSY_KEY, "sometimes");
        SparkConf badWait = new SparkConf(false).set(SparkJobGuard.NAME_KEY, "ok").set(SparkJobGuard.WAIT_KEY, "ten minutes");
        SparkConf typo = new SparkConf(false).set(SparkJobGuard.NAME_KEY, "ok").set("spark.zktoolkit.job.guard.onbusy", "wait");
        ToolkitClient zk = driverClient();

        assertThatThrownBy(() -> SparkJobGuard.fromConf(zk, sc)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs the job's name: set spark.zktoolkit.job.guard.name");
        assertThatThrownBy(() -> SparkJobGuard.builder(zk, sc).conf(empty).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spark.zktoolkit.job.guard.name is empty");
        assertThatThrownBy(() -> SparkJobGuard.builder(zk, sc).conf(spaced).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spark.zktoolkit.job.guard.name 'daily orders' is not a valid name");
        assertThatThrownBy(() -> SparkJobGuard.builder(zk, sc).conf(badPolicy).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid spark.zktoolkit.job.guard.onBusy 'sometimes': expected wait, fail-fast or exit");
        assertThatThrownBy(() -> SparkJobGuard.builder(zk, sc).conf(badWait).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid spark.zktoolkit.job.guard.wait 'ten minutes'");
        assertThatThrownBy(() -> SparkJobGuard.builder(zk, sc).conf(typo).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown SparkConf key spark.zktoolkit.job.guard.onbusy");
    }

    @Test
    void aDriverWhoseEnsembleIsGoneFailsFastNamingTheConnectString() throws Exception {
        InJvmQuorum doomed = InJvmQuorum.start(3);
        ToolkitClient zk = ToolkitClient.open(ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, doomed.connectString())
                .set(ToolkitKeys.CONNECTION_TIMEOUT, Duration.ofSeconds(2))
                .build());
        clients.add(zk);
        SparkJobGuard guard = SparkJobGuard.builder(zk, sc).name("orders-no-zookeeper").build();
        doomed.close();
        SparkIt.await(Duration.ofSeconds(30), "the client to notice", () -> "connected",
                () -> !zk.curator().getZookeeperClient().isConnected());
        long started = System.nanoTime();

        assertThatThrownBy(guard::start)
                .isInstanceOf(ZooKeeperUnavailableException.class)
                .hasMessageContaining("Spark job guard orders-no-zookeeper cannot reach ZooKeeper at " + doomed.connectString())
                .hasMessageContaining("zk.connection.timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(guard.state()).isEqualTo(SparkJobGuard.State.LATENT);
    }

}
