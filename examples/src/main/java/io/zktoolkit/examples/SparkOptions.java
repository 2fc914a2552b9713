package io.zktoolkit.examples;

import io.zktoolkit.examples.pipeline.SparkDeployment;
import io.zktoolkit.examples.world.World;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The options of every command that runs Spark: where it runs ({@code --spark-master}) and where
 * executors reach its driver ({@code --spark-driver-host}). Each wins over the same {@code spark.*}
 * key of the settings file; without either, the job runs on {@code local[2]} with its driver on loopback.
 */
public final class SparkOptions {
    @Option(names = "--spark-master", paramLabel = "URL", converter = MasterConverter.class,
            description = "Where the Spark job runs: local[N] (default: the file's spark.master, else "
                    + SparkDeployment.DEFAULT_MASTER + "), spark://HOST:PORT, yarn or k8s://https://HOST:PORT. For any"
                    + " but local, the toolkit bundle and the job's jar go to the executors in spark.jars.")
    private String master;

    @Option(names = "--spark-driver-host", paramLabel = "HOST",
            description = "The address executors reach the driver at (spark.driver.host; default: the file's, else "
                    + SparkDeployment.LOOPBACK + ", which only executors on this machine reach).")
    private String driverHost;

    /**
     * The deployment these options and the settings file's keys describe.
     *
     * @throws io.zktoolkit.config.settings.SettingsException for a bad {@code spark.master} in the file
     * @throws io.zktoolkit.examples.world.WorldMissingException when a jar executors need is not built
     */
    SparkDeployment resolve(Map<String, String> fileKeys, String source) {
        return SparkDeployment.resolve(master, driverHost, fileKeys, source, World.SPARK::executorJars);
    }

    /** Refuses a malformed master URL while the arguments are parsed (exit code 2, naming the option). */
    static final class MasterConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return SparkDeployment.checkMaster(value.strip());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
