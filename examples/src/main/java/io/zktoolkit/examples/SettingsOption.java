package io.zktoolkit.examples;

import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.settings.Interpolator;
import io.zktoolkit.config.settings.PropertiesFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --config FILE} option every command shares. Without it a command reads
 * {@value #DEFAULT_FILE} from the working directory if there is one, and otherwise the example
 * file bundled with the launcher, so a fresh checkout runs on embedded defaults.
 */
public final class SettingsOption {
    /** The file read when {@code --config} is not given, if it exists. */
    public static final String DEFAULT_FILE = "zktoolkit.properties";

    @Option(names = "--config", paramLabel = "FILE",
            description = "Settings file (default: ./" + DEFAULT_FILE + " if present, else the bundled example for the command).")
    private Path file;

    /** Loads the settings, falling back to the bundled resource {@code conf/<bundled>}. */
    public ToolkitSettings load(String bundled) {
        if (file != null) {
            return ToolkitSettings.load(file);
        }
        Path local = Path.of(DEFAULT_FILE);
        if (Files.isRegularFile(local)) {
            return ToolkitSettings.load(local);
        }
        String resource = "/conf/" + bundled;
        try (InputStream in = SettingsOption.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("The launcher jar lacks " + resource);
            }
            String source = "bundled " + bundled;
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return ToolkitSettings.fromMap(PropertiesFile.parse(text, source), source, Interpolator.ofProcess(null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
