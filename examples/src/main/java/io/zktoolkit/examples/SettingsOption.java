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
import java.util.Map;
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

    /**
     * The file's settings with every one of its keys (the {@code spark.*} ones too, which
     * {@link ToolkitSettings} leaves aside), and its name for error messages.
     *
     * @param source the file's path, or {@code bundled <name>}
     * @param keys   every key as written
     */
    public record SettingsFile(String source, Map<String, String> keys, ToolkitSettings settings) {
    }

    /** Loads the settings, falling back to the bundled resource {@code conf/<bundled>}. */
    public ToolkitSettings load(String bundled) {
        return read(bundled).settings();
    }

    /** As {@link #load}, keeping the file's other keys. */
    public SettingsFile read(String bundled) {
        Path chosen = file != null ? file : Files.isRegularFile(Path.of(DEFAULT_FILE)) ? Path.of(DEFAULT_FILE) : null;
        if (chosen != null) {
            Path absolute = chosen.toAbsolutePath();
            Map<String, String> keys = PropertiesFile.read(absolute);
            return new SettingsFile(absolute.toString(), keys,
                    ToolkitSettings.fromMap(keys, absolute.toString(), Interpolator.ofProcess(absolute.getParent())));
        }
        String resource = "/conf/" + bundled;
        try (InputStream in = SettingsOption.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("The launcher jar lacks " + resource);
            }
            String source = "bundled " + bundled;
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> keys = PropertiesFile.parse(text, source);
            return new SettingsFile(source, keys, ToolkitSettings.fromMap(keys, source, Interpolator.ofProcess(null)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
