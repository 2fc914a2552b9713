package io.zktoolkit.examples.config;

import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.live.LiveConfig;
import io.zktoolkit.examples.DurationConverter;
import io.zktoolkit.examples.ExitCodes;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code zktoolkit config watch SET}: one line per new version as it is published. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Print each new version of the set as it is published, with the keys it changed (secrets masked),"
                + " until --for has passed or --changes versions were seen.")
final class ConfigWatchCommand extends ConfigSubcommand {
    @Option(names = "--for", paramLabel = "TIME", defaultValue = "1h", converter = DurationConverter.class,
            description = "How long to watch (default: ${DEFAULT-VALUE}).")
    Duration duration;
    @Option(names = "--changes", paramLabel = "N", defaultValue = "0",
            description = "Stop after N new versions (default: no limit).")
    int changes;

    @Override
    protected void validate() {
        if (changes < 0) {
            throw usageError("--changes must be 0 or more");
        }
    }

    @Override
    int run(ConfigStore store, PrintWriter out) throws InterruptedException {
        CountDownLatch enough = new CountDownLatch(changes == 0 ? Integer.MAX_VALUE : changes);
        try (LiveConfig live = store.watch(set)) {
            live.addListener(change -> {
                synchronized (out) {
                    out.printf("v%d by %s%s: %s%n", change.current().version(), change.current().author(),
                            change.coalesced() ? " (also covers v" + change.missedVersions() + ")" : "",
                            change.changedKeys().isEmpty() ? "(nothing changed)" : describe(change));
                    out.flush();
                }
                enough.countDown();
            });
            live.start();
            synchronized (out) {
                out.printf("Watching %s from v%d%n", set, live.snapshot().version());
                out.flush();
            }
            enough.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        }
        return ExitCodes.OK;
    }

    private static String describe(io.zktoolkit.config.live.ConfigChange change) {
        StringBuilder line = new StringBuilder();
        for (String key : change.changedKeys()) {
            if (line.length() > 0) {
                line.append(", ");
            }
            String value = change.current().maskedEntries().get(key);
            line.append(key).append(value == null ? " removed" : "=" + value);
        }
        return line.toString();
    }
}
