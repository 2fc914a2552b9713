package io.zktoolkit.examples.config;

import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.examples.ExitCodes;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code zktoolkit config history SET}: every kept version, newest first, with who, when and what. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "List the set's kept versions, newest first: version, time, author, comment and the keys it changed.")
final class ConfigHistoryCommand extends ConfigSubcommand {
    @Override
    int run(ConfigStore store, PrintWriter out) {
        existing(store);
        List<ConfigSnapshot> versions = store.history(set);
        for (int i = 0; i < versions.size(); i++) {
            ConfigSnapshot v = versions.get(i);
            String changed = i + 1 < versions.size() ? String.join(", ", v.changedKeys(versions.get(i + 1)))
                    : String.join(", ", v.keys());
            out.printf("v%-4d %s  %-20s %s%n      changed: %s%n", v.version(), v.time(), v.author(),
                    v.comment().isEmpty() ? "" : v.comment(), changed.isEmpty() ? "(nothing)" : changed);
        }
        return ExitCodes.OK;
    }
}
