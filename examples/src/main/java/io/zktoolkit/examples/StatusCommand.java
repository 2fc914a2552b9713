package io.zktoolkit.examples;

import io.zktoolkit.config.ServerStatus;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.discovery.ServiceRegistry;
import io.zktoolkit.locks.LockInspector;
import io.zktoolkit.locks.LockInspector.LeaderInfo;
import io.zktoolkit.recovery.assignment.FleetInspector;
import io.zktoolkit.recovery.assignment.FleetInspector.FleetReport;
import io.zktoolkit.sync.state.JobBoard;
import io.zktoolkit.sync.state.JobSnapshot;
import io.zktoolkit.sync.state.RunState;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/**
 * {@code zktoolkit status}: one screen with the ensemble, this client's session and settings, and
 * what the toolkit holds: leaders, lock holders, services, configuration versions, jobs and fleets.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "One screen: the ensemble's servers, this client's session, the effective settings (secrets masked),"
                + " leaders, lock holders, services, configuration set versions, jobs and work fleets.")
final class StatusCommand extends ConnectedCommand {
    @Override
    protected int run(ToolkitClient zk, PrintWriter out) throws Exception {
        var settings = zk.settings();
        String kind = zk.embeddedEnsemble().map(e -> "embedded, " + e.size() + (e.size() == 1 ? " server" : " servers"))
                .orElse("external");
        out.printf("Ensemble   %s (%s)%n", zk.connectString(), kind);
        for (ServerStatus s : ServerStatus.probeAll(zk.connectString())) {
            out.printf("  %-22s %-12s zxid %-12s connections %s%n", s.address(), s.mode(),
                    s.zxid().isEmpty() ? "-" : s.zxid(), s.connections() < 0 ? "-" : s.connections());
        }
        var session = zk.curator().getZookeeperClient().getZooKeeper();
        out.printf("Session    0x%x, timeout %d ms, namespace /%s%n", session.getSessionId(),
                session.getSessionTimeout(), settings.namespace());
        var root = zk.curator().checkExists().forPath("/");
        out.printf("Nodes      %d under /%s%n", root == null ? 0 : root.getNumChildren(), settings.namespace());
        out.printf("Settings   from %s%n", settings.source());
        for (Map.Entry<String, String> e : settings.describe().entrySet()) {
            out.printf("  %-30s %s%n", e.getKey(), e.getValue());
        }

        LockInspector inspector = new LockInspector(zk);
        List<LeaderInfo> leaders = inspector.leaders();
        out.printf("Leaders    %s%n", leaders.isEmpty() ? "none" : leaders.stream()
                .map(l -> l.group() + ": " + l.leader() + " (token " + l.token() + ", " + l.standbys().size() + " standby)")
                .collect(Collectors.joining("; ")));
        var locks = inspector.locks();
        out.printf("Locks      %s%n", locks.isEmpty() ? "none held" : locks.stream()
                .map(l -> l.path() + (l.object().equals("/") ? "" : l.object()) + " by " + l.holder() + " (token " + l.token() + ")")
                .collect(Collectors.joining("; ")));
        try (ServiceRegistry registry = ServiceRegistry.create(zk)) {
            registry.start();
            List<String> services = registry.services();
            out.printf("Services   %s%n", services.isEmpty() ? "none" : String.join(", ", services));
        }
        ConfigStore configs = ConfigStore.builder(zk).build();
        Map<String, Long> versions = new TreeMap<>();
        configs.sets().forEach(set -> versions.put(set, configs.read(set).version()));
        out.printf("Config     %s%n", versions.isEmpty() ? "no sets" : versions.entrySet().stream()
                .map(e -> e.getKey() + " v" + e.getValue()).collect(Collectors.joining(", ")));
        try (JobBoard board = JobBoard.builder(zk).cleanupEvery(Duration.ofDays(365)).build()) {
            board.start();
            List<JobSnapshot> jobs = board.jobs();
            long running = jobs.stream().filter(j -> j.job().state() == RunState.RUNNING && !j.isAbandoned()).count();
            long abandoned = jobs.stream().filter(JobSnapshot::isAbandoned).count();
            out.printf("Jobs       %d on the board, %d running, %d abandoned%s%n", jobs.size(), running, abandoned,
                    running == 0 ? "" : ": " + jobs.stream().filter(j -> j.job().state() == RunState.RUNNING)
                            .map(j -> j.job().id()).collect(Collectors.joining(", ")));
        }
        FleetInspector fleets = new FleetInspector(zk);
        List<String> names = fleets.fleets();
        StringBuilder line = new StringBuilder();
        for (String name : names) {
            FleetReport r = fleets.read(name);
            line.append(line.length() == 0 ? "" : "; ").append(name).append(": ").append(r.members().size())
                    .append(" members, ").append(r.completions().size()).append('/').append(r.assignments().size()).append(" done");
        }
        out.printf("Fleets     %s%n", names.isEmpty() ? "none" : line);
        return ExitCodes.OK;
    }
}
