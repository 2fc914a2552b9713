package io.zktoolkit.examples.world.sqoop;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ZooKeeperUnavailableException;
import io.zktoolkit.config.embedded.EmbeddedStartException;
import io.zktoolkit.config.settings.SettingsException;
import java.nio.file.Path;

/**
 * Connects a main to ZooKeeper with its properties file, or ends it with the launcher's exit
 * codes: 3 for bad settings ({@code INVALID <message>}), 4 when ZooKeeper is unreachable
 * ({@code UNREACHABLE <message>}, naming the connect string).
 */
final class ExitOnStartFailure {
    static final int BAD_SETTINGS = 3;
    static final int ZOOKEEPER_UNAVAILABLE = 4;

    private ExitOnStartFailure() {
    }

    static ToolkitClient connect(Path properties) {
        try {
            return ToolkitClient.open(properties);
        } catch (SettingsException e) {
            Console.say("INVALID " + Console.reason(e));
            System.exit(BAD_SETTINGS);
        } catch (ZooKeeperUnavailableException | EmbeddedStartException e) {
            Console.say("UNREACHABLE " + Console.reason(e));
            System.exit(ZOOKEEPER_UNAVAILABLE);
        }
        throw new AssertionError("unreachable");
    }
}
