package io.zktoolkit.examples.config;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code zktoolkit config}: live configuration sets in ZooKeeper. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Publish, read, compare, watch and roll back live configuration sets kept in ZooKeeper.",
        subcommands = {ConfigPublishCommand.class, ConfigGetCommand.class, ConfigDiffCommand.class,
                ConfigHistoryCommand.class, ConfigRollbackCommand.class, ConfigWatchCommand.class})
public final class ConfigCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a config command is required (publish, get, diff, history, rollback, watch)");
    }
}
