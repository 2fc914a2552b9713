package io.zktoolkit.examples.world.sqoop;

import io.zktoolkit.config.settings.Redaction;
import io.zktoolkit.config.settings.Interpolator;
import io.zktoolkit.config.settings.KeySuggestions;
import io.zktoolkit.config.settings.PropertiesFile;
import io.zktoolkit.config.settings.SettingsException;
import io.zktoolkit.config.settings.SettingsException.Problem;
import io.zktoolkit.sync.sqoop.IncrementalMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One checkpointed incremental import as a properties file describes it: the {@code sqoop.*} keys
 * below (the file's {@code zk.*} keys are the toolkit's settings). Values may use {@code ${env:..}},
 * {@code ${sys:..}} and {@code ${file:..}}; relative paths are read against the file's folder.
 *
 * @param table {@value #TABLE}: the source table (required)
 * @param source {@value #CONNECT}, {@value #USERNAME}, {@value #PASSWORD_FILE} (required),
 *     {@value #NUM_MAPPERS} (default 1), {@value #SPLIT_BY} (default the check column),
 *     {@value #FETCH_SIZE} (default the driver's), {@value #SOURCE_MAX_MAPPERS} (default 4)
 * @param mode {@value #INCREMENTAL}: append or lastmodified (required)
 * @param checkColumn {@value #CHECK_COLUMN}: the column that tells new rows (required)
 * @param targetDir {@value #TARGET_DIR}: a local folder or a Hadoop URI (required)
 * @param workDir {@value #WORK_DIR}: where Sqoop's generated code and Hadoop's temporary files go
 *     (default {@code <tmp>/zktoolkit-sqoop-work})
 */
record ImportJob(String table, TableImport source, IncrementalMode mode, String checkColumn, String targetDir,
        Path workDir) {
    static final String CONNECT = "sqoop.connect";
    static final String USERNAME = "sqoop.username";
    static final String PASSWORD_FILE = "sqoop.password-file";
    static final String TABLE = "sqoop.table";
    static final String CHECK_COLUMN = "sqoop.check-column";
    static final String INCREMENTAL = "sqoop.incremental";
    static final String TARGET_DIR = "sqoop.target-dir";
    static final String NUM_MAPPERS = "sqoop.num-mappers";
    static final String SPLIT_BY = "sqoop.split-by";
    static final String FETCH_SIZE = "sqoop.fetch-size";
    static final String SOURCE_MAX_MAPPERS = "sqoop.source-max-mappers";
    static final String WORK_DIR = "sqoop.work-dir";
    static final List<String> KEYS = List.of(CONNECT, USERNAME, PASSWORD_FILE, TABLE, CHECK_COLUMN, INCREMENTAL,
            TARGET_DIR, NUM_MAPPERS, SPLIT_BY, FETCH_SIZE, SOURCE_MAX_MAPPERS, WORK_DIR);
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
    private static final Pattern URI = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*:/.*");

    /**
     * Reads and checks the file.
     *
     * @throws SettingsException naming the file, every key at fault and what would be valid
     */
    static ImportJob read(Path file) {
        Path absolute = file.toAbsolutePath();
        Map<String, String> raw = PropertiesFile.read(absolute);
        Keys keys = new Keys(raw, Interpolator.ofProcess(absolute.getParent()), absolute.getParent());
        for (String key : raw.keySet()) {
            if (key.startsWith("sqoop.") && !KEYS.contains(key)) {
                keys.problem(key, KeySuggestions.nearest(key, KEYS).map(k -> "unknown key; did you mean " + k + "?")
                        .orElse("unknown key; valid sqoop.* keys are " + KEYS));
            }
        }
        String connect = keys.require(CONNECT, "a JDBC URL such as jdbc:postgresql://db:5432/shop");
        if (connect != null && !connect.startsWith("jdbc:")) {
            keys.problem(CONNECT, "value '" + Redaction.jdbcUrl(connect) + "' is not a JDBC URL; expected jdbc:<driver>:...");
        }
        String username = keys.require(USERNAME, "the database role to log in as");
        Path passwordFile = keys.path(keys.require(PASSWORD_FILE, "the path of a file holding only the password"));
        if (passwordFile != null && !Files.isRegularFile(passwordFile)) {
            keys.problem(PASSWORD_FILE, "file " + passwordFile + " does not exist; expected a file holding only the password");
        } else if (passwordFile != null && !Files.isReadable(passwordFile)) {
            keys.problem(PASSWORD_FILE, "file " + passwordFile + " cannot be read (permission denied)");
        }
        String table = keys.name(TABLE, keys.require(TABLE, "the source table's name"));
        String checkColumn = keys.name(CHECK_COLUMN, keys.require(CHECK_COLUMN,
                "the column that tells new rows, e.g. id (append) or updated_at (lastmodified)"));
        IncrementalMode mode = null;
        String incremental = keys.require(INCREMENTAL, "append or lastmodified");
        if (incremental != null) {
            try {
                mode = IncrementalMode.of(incremental);
            } catch (IllegalArgumentException e) {
                keys.problem(INCREMENTAL, "value '" + incremental + "' is not valid; expected append or lastmodified");
            }
        }
        String target = keys.require(TARGET_DIR, "a folder (local path or Hadoop URI such as hdfs:///warehouse/orders)");
        String targetDir = target == null ? null : URI.matcher(target).matches() ? target : keys.path(target).toUri().toString();
        int mappers = keys.integer(NUM_MAPPERS, 1, 1, 256);
        String splitBy = keys.name(SPLIT_BY, keys.optional(SPLIT_BY, checkColumn));
        int fetchSize = keys.integer(FETCH_SIZE, 0, 1, 1_000_000);
        int cap = keys.integer(SOURCE_MAX_MAPPERS, 4, 1, 1024);
        if (cap < mappers) {
            keys.problem(SOURCE_MAX_MAPPERS, "value " + cap + " is below " + NUM_MAPPERS + " (" + mappers
                    + "): the import could never start; raise it or lower the mappers");
        }
        Path workDir = keys.path(keys.optional(WORK_DIR, Path.of(System.getProperty("java.io.tmpdir"), "zktoolkit-sqoop-work").toString()));
        keys.throwIfAny(absolute);
        return new ImportJob(table, new TableImport(connect, username, passwordFile, mappers, splitBy, fetchSize, cap),
                mode, checkColumn, targetDir, workDir);
    }

    /** Reads keys, collecting every problem so the user sees all of them at once. */
    private static final class Keys {
        private final Map<String, String> raw;
        private final Interpolator interpolator;
        private final Path base;
        private final List<Problem> problems = new ArrayList<>();

        Keys(Map<String, String> raw, Interpolator interpolator, Path base) {
            this.raw = raw;
            this.interpolator = interpolator;
            this.base = base;
        }

        void problem(String key, String message) {
            problems.add(new Problem(key, message));
        }

        String optional(String key, String fallback) {
            String value = raw.get(key);
            if (value == null || value.isBlank()) {
                return fallback;
            }
            try {
                return interpolator.resolve(value.strip());
            } catch (IllegalArgumentException e) {
                problem(key, e.getMessage());
                return null;
            }
        }

        String require(String key, String expected) {
            String value = optional(key, null);
            if (value == null && !problems.stream().anyMatch(p -> key.equals(p.key()))) {
                problem(key, "missing; expected " + expected);
            }
            return value;
        }

        String name(String key, String value) {
            if (value != null && !NAME.matcher(value).matches()) {
                problem(key, "value '" + value + "' is not a plain SQL name; expected letters, digits and _ (schema.table allowed)");
                return null;
            }
            return value;
        }

        Path path(String value) {
            return value == null ? null : base.resolve(value).normalize();
        }

        int integer(String key, int fallback, int min, int max) {
            String value = optional(key, null);
            if (value == null) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(value);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // Reported below with the valid range.
            }
            problem(key, "value '" + value + "' is not valid; expected a whole number from " + min + " to " + max);
            return fallback;
        }

        void throwIfAny(Path file) {
            if (!problems.isEmpty()) {
                throw new SettingsException(file.toString(), problems);
            }
        }
    }
}
