package io.zktoolkit.examples.config;

import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.examples.ExitCodes;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code zktoolkit config publish SET FILE}: a properties file as the set's next version. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publish a properties file as the set's next version. A new set is created; an existing one"
                + " is replaced only with --replace. Secrets written as ****** keep their stored value.")
final class ConfigPublishCommand extends ConfigSubcommand {
    @Parameters(index = "1", paramLabel = "FILE", description = "The properties file to publish.")
    Path file;
    @Option(names = "--replace", description = "Replace an existing set's content (a new version; history kept).")
    boolean replace;

    @Override
    int run(ConfigStore store, PrintWriter out) {
        ConfigSnapshot before = store.read(set);
        ConfigSnapshot after = store.importProperties(set, file,
                replace ? ConfigStore.ImportMode.REPLACE : ConfigStore.ImportMode.IF_ABSENT);
        out.printf("Published %s version %d from %s: %d keys, %d changed%n", set, after.version(), file,
                after.keys().size(), after.changedKeys(before).size());
        return ExitCodes.OK;
    }
}
