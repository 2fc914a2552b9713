package io.zktoolkit.examples.world.sqoop;

import io.zktoolkit.config.settings.Interpolator;
import io.zktoolkit.config.settings.PropertiesFile;
import io.zktoolkit.config.settings.SettingsException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The non-ZooKeeper keys of a worker's properties file (the toolkit's settings ignore every key
 * outside {@code zk.*}): where the source is and which file holds its password. Values may use
 * {@code ${env:..}}, {@code ${sys:..}} and {@code ${file:..}}; relative paths are read against the file's folder.
 */
final class WorkerProperties {
    static final String JDBC_URL = "pipeline.jdbc-url";
    static final String PASSWORD_FILE = "pipeline.password-file";
    static final String USERNAME = "pipeline.username";

    private WorkerProperties() {
    }

    /**
     * The source of the imports the file describes.
     *
     * @throws SettingsException naming the file and the missing key
     */
    static TableImport source(Path file, WorkerTuning tuning) {
        Path absolute = file.toAbsolutePath();
        Map<String, String> raw = PropertiesFile.read(absolute);
        Interpolator interpolator = Interpolator.ofProcess(absolute.getParent());
        String jdbcUrl = require(raw, absolute, JDBC_URL, "a JDBC URL such as jdbc:postgresql://db:5432/shop");
        Path passwordFile = absolute.resolveSibling(interpolator.resolve(require(raw, absolute, PASSWORD_FILE,
                "the path of a file holding the source password")));
        String username = interpolator.resolve(raw.getOrDefault(USERNAME, ShopDatabase.READER));
        return new TableImport(interpolator.resolve(jdbcUrl), username, passwordFile, tuning.mappers(), "id",
                tuning.fetchSize(), tuning.sourceMaxMappers());
    }

    private static String require(Map<String, String> raw, Path file, String key, String expected) {
        String value = raw.get(key);
        if (value == null || value.isBlank()) {
            throw new SettingsException(file.toString(), java.util.List.of(new SettingsException.Problem(key,
                    "missing; expected " + expected)));
        }
        return value.strip();
    }
}
