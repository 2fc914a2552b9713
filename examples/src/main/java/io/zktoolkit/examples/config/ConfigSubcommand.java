package io.zktoolkit.examples.config;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.examples.SettingsOption;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What every {@code zktoolkit config} subcommand shares: the settings file, the configuration set
 * it works on, and a connected {@link ConfigStore} for the length of one call.
 */
abstract class ConfigSubcommand implements Callable<Integer> {
    @Mixin
    private SettingsOption settingsOption;
    @Spec
    private CommandSpec spec;
    @Parameters(index = "0", paramLabel = "SET", description = "The configuration set, for example jobs/orders.")
    String set;

    @Override
    public final Integer call() throws Exception {
        validate();
        try (ToolkitClient zk = ToolkitClient.open(settingsOption.load("zktoolkit.properties"))) {
            return run(ConfigStore.builder(zk).author(System.getProperty("user.name", "zktoolkit") + "@launcher").build(),
                    spec.commandLine().getOut());
        }
    }

    /** Checks the arguments before anything connects; throws {@link #usageError} when they do not fit. */
    void validate() {
    }

    /** Does the subcommand's work and returns its exit code. */
    abstract int run(ConfigStore store, PrintWriter out) throws Exception;

    /** One line per entry, secrets masked, keys sorted. */
    static void printEntries(PrintWriter out, Map<String, String> entries) {
        entries.forEach((key, value) -> out.printf("  %s=%s%n", key, value));
    }

    /** A usage error (exit code 2) of this subcommand. */
    picocli.CommandLine.ParameterException usageError(String message) {
        return new picocli.CommandLine.ParameterException(spec.commandLine(), message);
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

    /** The set named on the command line is not in ZooKeeper. */
    static final class NoSuchSetException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoSuchSetException(String message) {
            super(message);
        }
    }

}
