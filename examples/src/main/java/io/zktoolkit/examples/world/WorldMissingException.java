package io.zktoolkit.examples.world;

import java.nio.file.Path;

/** A class-path world this checkout has not built, with the command that builds it. */
public final class WorldMissingException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    WorldMissingException(World world, Path missing) {
        super("The " + world + " world is not built: " + missing + " is missing. Build it with: mvn -B -DskipTests -pl "
                + world.module() + " -am package (or build the launcher with -pl examples -am)");
    }
}
