package io.zktoolkit.examples.world;

import java.nio.file.Path;

/** A class-path world (or a jar it ships to executors) this checkout has not built, with the command that builds it. */
public final class WorldMissingException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    WorldMissingException(World world, Path missing) {
        this("The " + world + " world", missing, world.module());
    }

    /** {@code what} (say "The toolkit bundle") is missing; {@code module} builds it. */
    WorldMissingException(String what, Path missing, String module) {
        super(what + " is not built: " + missing + " is missing. Build it with: mvn -B -DskipTests -pl "
                + module + " -am package (or build the launcher with -pl examples -am)");
    }
}
