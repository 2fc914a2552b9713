package io.zktoolkit.examples;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.settings.Durations;
import io.zktoolkit.config.settings.SettingsException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zktoolkit quorum-demo}: work on an embedded quorum goes on while its leader dies and comes back. */
@Command(name = "quorum-demo", mixinStandardHelpOptions = true,
        description = {"Start an embedded 3-server ZooKeeper quorum, run a writer against it, stop the leader "
                + "mid-run and restart it, then check that writes went on while it was down and that every "
                + "write landed exactly once.",
                "Reads the bundled demo.properties unless --config is given."})
final class QuorumDemoCommand implements Callable<Integer> {
    @Mixin
    private SettingsOption settingsOption;
    @Spec
    private CommandSpec spec;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "10s",
            description = "How long the writer runs (default: ${DEFAULT-VALUE}).", converter = DurationConverter.class)
    private Duration duration;
    @Option(names = "--stop-at", paramLabel = "TIME", defaultValue = "2s",
            description = "When the leader is stopped (default: ${DEFAULT-VALUE}).", converter = DurationConverter.class)
    private Duration stopAt;
    @Option(names = "--restart-at", paramLabel = "TIME", defaultValue = "7s",
            description = "When it is restarted (default: ${DEFAULT-VALUE}).", converter = DurationConverter.class)
    private Duration restartAt;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (stopAt.compareTo(restartAt) >= 0 || restartAt.compareTo(duration) >= 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "expected --stop-at < --restart-at < --duration, got " + Durations.format(stopAt) + ", "
                            + Durations.format(restartAt) + ", " + Durations.format(duration));
        }
        ToolkitSettings settings = settingsOption.load("demo.properties");
        if (!settings.isEmbedded() || settings.get(ToolkitKeys.EMBEDDED_SERVERS) < 3) {
            throw new SettingsException(settings.source(), List.of(new SettingsException.Problem(
                    ToolkitKeys.EMBEDDED_SERVERS.name(), "the demo stops a server of an embedded quorum, so it needs "
                    + "zk.connect=embedded and zk.embedded.servers=3 or 5")));
        }
        try (ToolkitClient zk = ToolkitClient.open(settings)) {
            out.printf("Embedded quorum up at %s%n%n", zk.connectString());
            QuorumFailoverDemo.Result result = new QuorumFailoverDemo(zk, out).run(duration, stopAt, restartAt);
            out.println();
            QuorumFailoverDemo.summary(result).forEach(out::println);
            out.flush();
            return result.succeeded() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }
}
