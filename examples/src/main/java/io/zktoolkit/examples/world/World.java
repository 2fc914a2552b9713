package io.zktoolkit.examples.world;

import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.SparkModuleOptions;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * A class-path world the launcher starts child JVMs in. Hadoop with Sqoop, Spark 4, the Spark 3.5
 * Thrift Server and the stock hive-jdbc driver each bring their own ZooKeeper, Curator, Guava or
 * Hadoop classes, and no two of them can share a JVM (see the reference on dependencies): the
 * launcher's own JVM holds none of them and starts each piece of work with its world's class path.
 *
 * <p>The class paths come from this checkout's build ({@code zktoolkit-worlds.properties}, filled
 * in by Maven): a world's compiled classes and its runtime class-path file.
 */
public enum World {
    /** Sqoop 1.4.7, shaded Hadoop in local mode, embedded PostgreSQL and the toolkit (examples/worlds/sqoop). */
    SQOOP("sqoop", "examples/worlds/sqoop", List.of()),
    /** Spark 4 and the toolkit (examples/worlds/spark). */
    SPARK("spark", "examples/worlds/spark", SparkModuleOptions.ALL),
    /** The stock hive-jdbc standalone driver, alone (examples/worlds/hive-client). */
    HIVE_CLIENT("hive-client", "examples/worlds/hive-client", List.of()),
    /** The Spark 3.5.4 Thrift Server, a real HiveServer2-protocol server (src-it/hive-thriftserver). */
    THRIFT_SERVER("thrift-server", "src-it/hive-thriftserver", SparkModuleOptions.ALL);

    private static final String LOCATIONS = "zktoolkit-worlds.properties";
    private static final String BUNDLE_JAR = "bundle.jar";

    private final String key;
    private final String module;
    private final List<String> jvmOptions;

    World(String key, String module, List<String> jvmOptions) {
        this.key = key;
        this.module = module;
        this.jvmOptions = jvmOptions;
    }

    /** The Maven module that builds this world, relative to the checkout. */
    public String module() {
        return module;
    }

    /**
     * This world's class path: its classes, then its runtime jars.
     *
     * @throws WorldMissingException when the checkout has not built it, naming the missing file and the command that builds it
     */
    public String classpath() {
        Properties locations = locations();
        Path classes = Path.of(locations.getProperty(key + ".classes"));
        Path jars = Path.of(locations.getProperty(key + ".classpath"));
        if (!Files.isDirectory(classes) || !Files.isRegularFile(jars)) {
            throw new WorldMissingException(this, Files.isDirectory(classes) ? jars : classes);
        }
        try {
            return classes + File.pathSeparator + Files.readString(jars).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the class path of the " + key + " world from " + jars, e);
        }
    }

    /**
     * What a cluster's executors need to run this world's tasks, for {@code spark.jars}: the
     * relocated toolkit bundle (the toolkit's classes with their own Curator, ZooKeeper and Guava,
     * beside whatever the cluster's Spark ships), then this world's own jar (its task code).
     *
     * @throws WorldMissingException when either jar is not built, naming it and the command that builds it
     * @throws IllegalStateException for a world whose code never runs on executors
     */
    public List<Path> executorJars() {
        Properties locations = locations();
        String ownJar = locations.getProperty(key + ".jar");
        if (ownJar == null) {
            throw new IllegalStateException("The " + key + " world runs no tasks on a cluster's executors");
        }
        return List.of(built(Path.of(locations.getProperty(BUNDLE_JAR)), "The toolkit bundle", "examples/bundle"),
                built(Path.of(ownJar), "The " + key + " world's jar", module));
    }

    private static Path built(Path jar, String what, String module) {
        if (!Files.isRegularFile(jar)) {
            throw new WorldMissingException(what, jar, module);
        }
        return jar;
    }

    /** A child JVM running {@code mainClass} in this world, with the JVM options the world needs (Spark's module opens). */
    public ChildJvm.Builder jvm(String mainClass) {
        ChildJvm.Builder builder = ChildJvm.builder(mainClass).classpath(classpath());
        jvmOptions.forEach(builder::jvmOption);
        return builder;
    }

    @Override
    public String toString() {
        return key;
    }

    private static Properties locations() {
        Properties properties = new Properties();
        try (InputStream in = World.class.getClassLoader().getResourceAsStream(LOCATIONS)) {
            if (in == null) {
                throw new IllegalStateException(LOCATIONS + " is missing from the launcher jar; rebuild it with Maven");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
