package io.zktoolkit.examples;

import io.zktoolkit.config.ToolkitClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that reads the settings file, connects for the length of one call, and prints to the
 * launcher's output. Arguments are checked before anything connects.
 */
public abstract class ConnectedCommand implements Callable<Integer> {
    @Mixin
    private SettingsOption settingsOption;
    @Spec
    private CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        validate();
        try (ToolkitClient zk = ToolkitClient.open(settingsOption.load("zktoolkit.properties"))) {
            return run(zk, spec.commandLine().getOut());
        }
    }

    /** Checks the arguments before anything connects; throws {@link #usageError} when they do not fit. */
    protected void validate() {
    }

    /** Does the command's work and returns its exit code. */
    protected abstract int run(ToolkitClient zk, PrintWriter out) throws Exception;

    /** A usage error (exit code 2) of this command. */
    protected CommandLine.ParameterException usageError(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
