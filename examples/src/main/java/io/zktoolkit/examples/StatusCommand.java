package io.zktoolkit.examples;

import io.zktoolkit.config.ServerStatus;
import io.zktoolkit.config.ToolkitClient;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code zktoolkit status}: the ensemble, this client's session and the effective settings. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Connect and show the ensemble's servers, this client's session, the effective settings "
                + "(secrets masked) and how many nodes the toolkit keeps.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    private SettingsOption settingsOption;
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (ToolkitClient zk = ToolkitClient.open(settingsOption.load("zktoolkit.properties"))) {
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
        }
        return ExitCodes.OK;
    }
}
