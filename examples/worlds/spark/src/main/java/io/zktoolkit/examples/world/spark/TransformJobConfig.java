package io.zktoolkit.examples.world.spark;

import io.zktoolkit.locks.spark.SparkJobGuard;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The transform job's properties file: {@code zk.*} (read by {@code ToolkitClient}), {@code job.name},
 * {@code job.input}, {@code job.output}, and any {@code spark.*} key, passed to the SparkConf as is
 * (so the guard's own {@code spark.zktoolkit.job.guard.onBusy} and {@code .wait} work here too). The
 * same code builds the conf for {@code local[N]}, standalone, YARN or Kubernetes: only
 * {@code spark.master} and {@code spark.jars} differ.
 *
 * @param file       the file it came from
 * @param name       the job's name: the guard's lock and the board id's prefix
 * @param input      a folder with one subfolder per table, each holding Sqoop text output
 * @param output     the folder {@code table_totals} is written to
 * @param tables     the input's table folders, by name, sorted
 * @param sparkConf  every {@code spark.*} key, with the defaults the job needs filled in
 */
record TransformJobConfig(Path file, String name, Path input, Path output, Map<String, Path> tables,
        Map<String, String> sparkConf) {

    static final String NAME = "job.name";
    static final String INPUT = "job.input";
    static final String OUTPUT = "job.output";
    private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    private static final Pattern VALID_TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** A property that is missing or unusable; the message names the file and the key. */
    static final class BadPropertyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadPropertyException(Path file, String key, String problem) {
            super(file + ": " + key + " " + problem);
        }
    }

    /**
     * Reads and checks the file; relative folders are resolved against the file's own folder.
     *
     * @param sparkOverrides {@code spark.*} keys that win over the file's: where the launcher decided
     *                       the job runs (master, driver address, {@code spark.jars})
     * @throws BadPropertyException naming the file and the key at fault
     */
    static TransformJobConfig load(Path file, Map<String, String> sparkOverrides) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            throw new BadPropertyException(file, "(file)", "cannot be read: " + e);
        }
        Path base = file.toAbsolutePath().getParent();
        String name = required(file, properties, NAME);
        if (!VALID_NAME.matcher(name).matches()) {
            throw new BadPropertyException(file, NAME, "'" + name + "' is not a valid job name: use letters, digits, '.', '_'"
                    + " or '-', not starting with '.' or '-' (for example daily-totals)");
        }
        Path input = base.resolve(required(file, properties, INPUT)).normalize();
        if (!Files.isDirectory(input)) {
            throw new BadPropertyException(file, INPUT, "'" + input + "' is not a folder; expected a folder with one"
                    + " subfolder of Sqoop text output per table");
        }
        Map<String, Path> tables = tables(file, input);
        Path output = base.resolve(required(file, properties, OUTPUT)).normalize();
        if (Files.exists(output) && !Files.isDirectory(output)) {
            throw new BadPropertyException(file, OUTPUT, "'" + output + "' exists and is not a folder");
        }
        Map<String, String> spark = new LinkedHashMap<>();
        spark.put("spark.master", "local[2]");
        spark.put("spark.app.name", "zktoolkit-transform-" + name);
        spark.put("spark.ui.enabled", "false");
        spark.put("spark.driver.host", "127.0.0.1");
        spark.put("spark.driver.bindAddress", "127.0.0.1");
        spark.put("spark.sql.shuffle.partitions", "2");
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("spark.")) {
                spark.put(key, properties.getProperty(key).strip());
            } else if (key.startsWith("job.") && !List.of(NAME, INPUT, OUTPUT).contains(key)) {
                throw new BadPropertyException(file, key, "is not a key of the transform job; it reads " + NAME + ", "
                        + INPUT + ", " + OUTPUT + ", zk.* and spark.*");
            }
        }
        spark.putAll(sparkOverrides);
        spark.putIfAbsent(SparkJobGuard.NAME_KEY, name);
        return new TransformJobConfig(file, name, input, output, tables, Map.copyOf(spark));
    }

    /** Where the job's result table goes. */
    Path totals() {
        return output.resolve("table_totals");
    }

    private static Map<String, Path> tables(Path file, Path input) {
        Map<String, Path> tables = new java.util.TreeMap<>();
        try (Stream<Path> children = Files.list(input)) {
            children.filter(Files::isDirectory).forEach(dir -> {
                String table = dir.getFileName().toString();
                if (table.startsWith("_") || table.startsWith(".")) {
                    return; // Hadoop's hidden folders (_temporary, .staging)
                }
                if (!VALID_TABLE.matcher(table).matches()) {
                    throw new BadPropertyException(file, INPUT, "holds folder '" + table + "', not a table name"
                            + " (letters, digits and '_')");
                }
                tables.put(table, dir);
            });
        } catch (IOException e) {
            throw new BadPropertyException(file, INPUT, "'" + input + "' cannot be listed: " + e);
        }
        if (tables.isEmpty()) {
            throw new BadPropertyException(file, INPUT, "'" + input + "' holds no table folder; expected one subfolder"
                    + " of Sqoop text output per table");
        }
        return tables;
    }

    private static String required(Path file, Properties properties, String key) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new BadPropertyException(file, key, "is " + (value == null ? "missing" : "empty"));
        }
        return value.strip();
    }
}
