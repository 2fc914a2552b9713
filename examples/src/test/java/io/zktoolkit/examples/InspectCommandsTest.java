package io.zktoolkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.QuorumClients;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.live.ConfigUpdate;
import io.zktoolkit.discovery.ServiceEndpoint;
import io.zktoolkit.discovery.ServiceRegistry;
import io.zktoolkit.discovery.hive.HiveServerEndpoint;
import io.zktoolkit.discovery.hive.HiveServerRegistrar;
import io.zktoolkit.locks.FencedMutex;
import io.zktoolkit.locks.LeaderElection;
import io.zktoolkit.locks.LockLease;
import io.zktoolkit.recovery.assignment.WorkFleet;
import io.zktoolkit.sync.state.JobBoard;
import io.zktoolkit.sync.state.JobReporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code locks}, {@code jobs} and {@code fleet} against a real 3-server quorum where other clients hold, publish and work. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InspectCommandsTest {
    @TempDir
    Path dir;
    private QuorumClients zk;
    private String conf;



    @BeforeEach
    void start() throws Exception {
        zk = new QuorumClients();
        Path f = dir.resolve("quorum.properties");
        Files.writeString(f, "zk.connect=" + zk.connectString() + "\n");
        conf = f.toString();
    }

    @AfterEach
    void stop() {
        zk.close();
    }

    @Test
    void locksShowsHoldersTokensAndLeaders() throws Exception {
        ToolkitClient holder = zk.open();
        FencedMutex mutex = FencedMutex.named(holder, "orders-import");
        LockLease lease = mutex.acquire(Duration.ofSeconds(10)).orElseThrow();
        LeaderElection election = zk.closeLater(LeaderElection.create(zk.open(), "sqoop-coordinator", "edge-3"));
        election.start();
        election.awaitLeadership(Duration.ofSeconds(10)).orElseThrow();

        LauncherRun r = LauncherRun.of("locks", "--config", conf);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Locks (1 held)", "/locks/orders-import", "token " + lease.token(),
                "sqoop-coordinator  edge-3");
        lease.release();
        assertThat(LauncherRun.of("locks", "--config", conf).out()).contains("Locks (0 held)");
    }

    @Test
    void jobsShowsTheBoardAndOneJobWithItsTasks() throws Exception {
        try (JobBoard board = JobBoard.builder(zk.open()).build()) {
            board.start();
            JobReporter job = board.publish("nightly-orders");
            job.running();
            job.progress(3, 4);
            job.task("load-2024-01-01").succeeded();
            job.flush(Duration.ofSeconds(10));

            LauncherRun all = LauncherRun.of("jobs", "--config", conf);
            assertThat(all.code()).as(all.err()).isZero();
            assertThat(all.out()).contains("Jobs (1)", "nightly-orders", "RUNNING", "75%", "1 tasks");
            LauncherRun one = LauncherRun.of("jobs", "nightly-orders", "--config", conf);
            assertThat(one.out()).contains("load-2024-01-01", "SUCCEEDED");
            LauncherRun none = LauncherRun.of("jobs", "nope", "--config", conf);
            assertThat(none.code()).isEqualTo(ExitCodes.FAILED);
            assertThat(none.err()).contains("No job 'nope'");
        }
    }

    @Test
    void servicesListsInstancesAndHiveServers() throws Exception {
        ToolkitClient client = zk.open();
        try (ServiceRegistry registry = ServiceRegistry.create(client);
                HiveServerRegistrar hive = HiveServerRegistrar.builder(client, HiveServerEndpoint.binary("127.0.0.1", 41999))
                        .namespace("hs2-test").build()) {
            registry.start();
            registry.register(ServiceEndpoint.builder("spark-ui").id("app-1").address("edge-3").port(4040)
                    .attribute("user", "etl").build());
            hive.start();
            LauncherRun r = LauncherRun.of("services", "--hive", "hs2-test", "--config", conf);
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("Services (1)", "spark-ui: 1 instance", "app-1  edge-3:4040", "user=etl",
                    "HiveServer2 in /hs2-test (1)", "127.0.0.1:41999");
        }
    }

    @Test
    void statusShowsLeadersLocksServicesConfigJobsAndFleetsOnOneScreen() throws Exception {
        ToolkitClient client = zk.open();
        LockLease lease = FencedMutex.named(client, "nightly").acquire(Duration.ofSeconds(10)).orElseThrow();
        LeaderElection election = zk.closeLater(LeaderElection.create(zk.open(), "coordinator", "edge-7"));
        election.start();
        election.awaitLeadership(Duration.ofSeconds(10)).orElseThrow();
        ConfigStore store = ConfigStore.builder(client).build();
        store.publish(ConfigUpdate.on(store.read("jobs/orders")).set("batch", "100"));
        WorkFleet.submit(client, "imports", List.of("orders"));
        try (ServiceRegistry registry = ServiceRegistry.create(client); JobBoard board = JobBoard.builder(client).build()) {
            registry.start();
            registry.register(ServiceEndpoint.builder("thrift").id("t1").address("edge-3").port(10001).build());
            board.start();
            JobReporter job = board.publish("nightly-orders");
            job.running();
            job.flush(Duration.ofSeconds(10));

            LauncherRun r = LauncherRun.of("status", "--config", conf);
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("Leaders    coordinator: edge-7", "/locks/nightly", "token " + lease.token(),
                    "Services   thrift", "Config     jobs/orders v1", "1 running, 0 abandoned: nightly-orders",
                    "Fleets     imports: 0 members, 0/1 done");
        }
        lease.release();
    }

    @Test
    void fleetShowsMembersAssignmentsAndCompletions() throws Exception {
        ToolkitClient client = zk.open();
        WorkFleet.submit(client, "imports", List.of("orders", "customers"));
        try (WorkFleet worker = WorkFleet.builder(client, "imports", "edge-3", ctx -> "copied " + ctx.task())
                .heartbeatInterval(Duration.ofMillis(200)).build()) {
            worker.start();
            assertThat(worker.awaitAllDone(Duration.ofSeconds(30))).isTrue();
            LauncherRun list = LauncherRun.of("fleet", "--config", conf);
            assertThat(list.out()).contains("imports", "1 members, 2 tasks, 2 done");
            LauncherRun one = LauncherRun.of("fleet", "imports", "--config", conf);
            assertThat(one.code()).as(one.err()).isZero();
            assertThat(one.out()).contains("member edge-3", "task orders", "done by edge-3 at epoch", "copied orders");
        }
        WorkFleet.submit(client, "imports", List.of("items"));
        LauncherRun pending = LauncherRun.of("fleet", "imports", "--config", conf);
        assertThat(pending.code()).as("a task is pending and nobody works").isEqualTo(ExitCodes.FAILED);
        assertThat(pending.out()).contains("1 pending", "task items", "unassigned");
        LauncherRun bad = LauncherRun.of("fleet", "../x", "--config", conf);
        assertThat(bad.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(bad.err()).contains("Invalid fleet name '../x'");
    }
}
