package io.zktoolkit.examples.config;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.examples.ConnectedCommand;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Parameters;

/** What every {@code zktoolkit config} subcommand shares: the set it works on, and a {@link ConfigStore}. */
abstract class ConfigSubcommand extends ConnectedCommand {
    @Parameters(index = "0", paramLabel = "SET", description = "The configuration set, for example jobs/orders.")
    String set;

    @Override
    protected final int run(ToolkitClient zk, PrintWriter out) throws Exception {
        return run(ConfigStore.builder(zk).author(System.getProperty("user.name", "zktoolkit") + "@launcher").build(), out);
    }

    /** Does the subcommand's work and returns its exit code. */
    abstract int run(ConfigStore store, PrintWriter out) throws Exception;

    /** One line per entry, keys sorted. */
    static void printEntries(PrintWriter out, Map<String, String> entries) {
        entries.forEach((key, value) -> out.printf("  %s=%s%n", key, value));
    }

    /** The current version, or a failure naming the set when it does not exist. */
    ConfigSnapshot existing(ConfigStore store) {
        ConfigSnapshot current = store.read(set);
        if (!current.exists()) {
            throw new NoSuchSetException("Configuration set " + set + " does not exist; publish it first with"
                    + " 'zktoolkit config publish " + set + " FILE'");
        }
        return current;
    }

    /** The set or key named on the command line is not in ZooKeeper. */
    static final class NoSuchSetException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoSuchSetException(String message) {
            super(message);
        }
    }
}
