package io.zktoolkit.config.sqoop;

import io.zktoolkit.config.live.ConfigValueException;
import io.zktoolkit.config.live.ConfigView;
import io.zktoolkit.config.live.SecretCodec;
import io.zktoolkit.config.settings.KeySuggestions;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A Sqoop 1.4.7 {@code import} argument list built from a configuration set's {@code sqoop.*}
 * keys: {@code sqoop.split.by=id} becomes {@code --split-by id}, {@code sqoop.direct=true} becomes
 * {@code --direct}. Keys are checked against Sqoop's import options (a typo gets the nearest
 * option suggested) before Sqoop ever runs.
 *
 * <p>The password never reaches the argument list, where {@code ps} and job logs would show it:
 * {@code sqoop.password} must be a secret of the set, and is written to an owner-only password
 * file passed as {@code --password-file}, deleted on {@link #close()}. A plain-text
 * {@code sqoop.password} is refused.
 *
 * <pre>{@code
 * try (SqoopImportArguments args = SqoopImportArguments.build(liveConfig.snapshot(), codec)) {
 *     int rc = Sqoop.runTool(args.toArray(), hadoopConf);
 * }
 * }</pre>
 */
public final class SqoopImportArguments implements Closeable {
    /** Prefix of the keys read. */
    public static final String PREFIX = "sqoop.";
    /** The key holding the password, which must be secret. */
    public static final String PASSWORD_KEY = "sqoop.password";

    /** Sqoop 1.4.7 import options that take a value ({@code --password} deliberately absent). */
    static final Set<String> VALUE_OPTIONS = Set.of("connect", "connection-manager", "connection-param-file", "driver",
            "hadoop-mapred-home", "hadoop-home", "password-file", "password-alias", "username", "boundary-query",
            "columns", "fetch-size", "inline-lob-limit", "num-mappers", "query", "split-by", "table", "target-dir",
            "temporary-rootdir", "warehouse-dir", "where", "compression-codec", "null-string", "null-non-string",
            "check-column", "incremental", "last-value", "enclosed-by", "escaped-by", "fields-terminated-by",
            "lines-terminated-by", "optionally-enclosed-by", "input-enclosed-by", "input-escaped-by",
            "input-fields-terminated-by", "input-lines-terminated-by", "input-optionally-enclosed-by", "bindir",
            "class-name", "jar-file", "outdir", "package-name", "map-column-java", "map-column-hive", "hive-table",
            "hive-database", "hive-delims-replacement", "hive-partition-key", "hive-partition-value", "merge-key",
            "validator", "validation-threshold", "validation-failurehandler", "split-limit");
    /** Sqoop 1.4.7 import options that are flags. */
    static final Set<String> FLAG_OPTIONS = Set.of("verbose", "relaxed-isolation", "append", "as-avrodatafile",
            "as-sequencefile", "as-textfile", "as-parquetfile", "delete-target-dir", "direct", "autoreset-to-one-mapper",
            "compress", "mysql-delimiters", "hive-import", "hive-overwrite", "create-hive-table",
            "hive-drop-import-delims", "validate");

    private final List<String> arguments;
    private final Path passwordFile;

    private SqoopImportArguments(List<String> arguments, Path passwordFile) {
        this.arguments = List.copyOf(arguments);
        this.passwordFile = passwordFile;
    }

    /** Builds the arguments, writing the password file (if any) to the JVM's temporary folder. */
    public static SqoopImportArguments build(ConfigView config, SecretCodec codec) {
        return build(config, codec, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * Builds the arguments.
     *
     * @param codec the secret key for {@code sqoop.password}; may be null when the set has none
     * @param passwordDir where to write the owner-only password file
     * @throws ConfigValueException naming the key at fault: an unknown option, a flag that is not
     *         true or false, a plain-text password, or a missing connect string or table
     */
    public static SqoopImportArguments build(ConfigView config, SecretCodec codec, Path passwordDir) {
        List<String> args = new ArrayList<>(List.of("import"));
        List<String> problems = new ArrayList<>();
        for (String key : config.keys()) {
            if (!key.startsWith(PREFIX) || key.equals(PASSWORD_KEY)) {
                continue;
            }
            String option = key.substring(PREFIX.length()).replace('.', '-').toLowerCase(Locale.ROOT);
            String value = config.getString(key, "");
            if (VALUE_OPTIONS.contains(option)) {
                args.add("--" + option);
                args.add(value);
            } else if (FLAG_OPTIONS.contains(option)) {
                switch (value) {
                    case "true" -> args.add("--" + option);
                    case "false" -> { }
                    default -> problems.add(key + ": value '" + value + "': expected true or false (a Sqoop flag)");
                }
            } else {
                problems.add(key + ": not a Sqoop import option" + KeySuggestions.nearest(option, allOptions())
                        .map(o -> "; did you mean " + PREFIX + o.replace('-', '.') + "?").orElse(""));
            }
        }
        if (config.find(PREFIX + "connect").isEmpty()) {
            problems.add(PREFIX + "connect: is required (the source database's JDBC URL)");
        }
        if (config.find(PREFIX + "table").isEmpty() && config.find(PREFIX + "query").isEmpty()) {
            problems.add(PREFIX + "table: is required unless " + PREFIX + "query is set");
        }
        if (config.find(PASSWORD_KEY).isPresent() && !config.isSecret(PASSWORD_KEY)) {
            problems.add(PASSWORD_KEY + ": is stored in plain text; publish it as a secret (ConfigUpdate.setSecret) so it"
                    + " is encrypted in ZooKeeper and handed to Sqoop through a password file");
        }
        if (!problems.isEmpty()) {
            throw new ConfigValueException("Cannot build Sqoop import arguments from " + config.describeSource() + ":"
                    + problems.stream().map(p -> System.lineSeparator() + "  - " + p).collect(Collectors.joining()));
        }
        Path file = null;
        if (config.find(PASSWORD_KEY).isPresent()) {
            if (codec == null) {
                throw new ConfigValueException(PASSWORD_KEY + " in " + config.describeSource()
                        + " is secret; pass the set's SecretCodec to read it");
            }
            file = writePasswordFile(passwordDir, config.secret(PASSWORD_KEY, codec).reveal());
            args.add("--password-file");
            args.add(file.toUri().toString());
        }
        return new SqoopImportArguments(args, file);
    }

    /** The arguments, tool name first; safe to log (the password is only a file reference). */
    public List<String> arguments() {
        return arguments;
    }

    /** The arguments as an array, for {@code Sqoop.runTool}. */
    public String[] toArray() {
        return arguments.toArray(String[]::new);
    }

    /** The password file, if one was written. */
    public java.util.Optional<Path> passwordFile() {
        return java.util.Optional.ofNullable(passwordFile);
    }

    /** Deletes the password file. */
    @Override
    public void close() {
        if (passwordFile != null) {
            try {
                Files.deleteIfExists(passwordFile);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not delete the Sqoop password file " + passwordFile, e);
            }
        }
    }

    @Override
    public String toString() {
        return String.join(" ", arguments);
    }

    private static Set<String> allOptions() {
        Set<String> all = new java.util.TreeSet<>(VALUE_OPTIONS);
        all.addAll(FLAG_OPTIONS);
        return all;
    }

    private static Path writePasswordFile(Path dir, String password) {
        try {
            Files.createDirectories(dir);
            // Owner-only from creation, so there is no moment when others can read it.
            Path file = Files.createTempFile(dir, "sqoop-password-", ".txt",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            // No trailing newline: Sqoop reads the whole file as the password.
            Files.write(file, password.getBytes(StandardCharsets.UTF_8));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the Sqoop password file in " + dir, e);
        }
    }
}
