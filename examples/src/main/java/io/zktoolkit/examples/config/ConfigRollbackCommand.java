package io.zktoolkit.examples.config;

import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.examples.ExitCodes;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code zktoolkit config rollback SET VERSION}: a kept version's content as the next version. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Publish a kept version's content as the set's next version (history is never rewritten).")
final class ConfigRollbackCommand extends ConfigSubcommand {
    @Parameters(index = "1", paramLabel = "VERSION", description = "The kept version to go back to.")
    long version;
    @Option(names = "--expect", paramLabel = "VERSION",
            description = "Roll back only if the current version is still this one (default: whatever is current).")
    Long expect;

    @Override
    int run(ConfigStore store, PrintWriter out) {
        ConfigSnapshot current = existing(store);
        ConfigSnapshot after = store.rollback(set, version, expect != null ? expect : current.version());
        out.printf("Rolled %s back to the content of v%d as v%d (changed: %s)%n", set, version, after.version(),
                after.changedKeys(current).isEmpty() ? "nothing" : String.join(", ", after.changedKeys(current)));
        return ExitCodes.OK;
    }
}
