package io.zktoolkit.examples.config;

import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.examples.ExitCodes;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code zktoolkit config get SET [KEY]}: the current version, or one value, secrets masked. */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Show the set's current version (or one key's value); secrets are masked.")
final class ConfigGetCommand extends ConfigSubcommand {
    @Parameters(index = "1", arity = "0..1", paramLabel = "KEY", description = "Show only this key's value.")
    String key;

    @Override
    int run(ConfigStore store, PrintWriter out) {
        ConfigSnapshot current = existing(store);
        if (key != null) {
            String value = current.maskedEntries().get(key);
            if (value == null) {
                throw new NoSuchSetException("Configuration set " + set + " version " + current.version()
                        + " has no key '" + key + "'; its keys: " + String.join(", ", current.keys()));
            }
            out.println(value);
            return ExitCodes.OK;
        }
        out.printf("%s version %d, by %s at %s%s%n", set, current.version(), current.author(), current.time(),
                current.comment().isEmpty() ? "" : " (" + current.comment() + ")");
        printEntries(out, current.maskedEntries());
        return ExitCodes.OK;
    }
}
