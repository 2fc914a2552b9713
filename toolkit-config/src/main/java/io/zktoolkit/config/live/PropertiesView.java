package io.zktoolkit.config.live;

import io.zktoolkit.config.settings.PropertiesFile;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import io.zktoolkit.config.settings.Secret;

/** A local properties file as the lowest layer of a {@link LayeredConfig}. */
public final class PropertiesView implements ConfigView {
    private final Map<String, String> entries;
    private final String source;

    private PropertiesView(Map<String, String> entries, String source) {
        this.entries = Map.copyOf(new TreeMap<>(entries));
        this.source = source;
    }

    /** Reads a file strictly (see {@link PropertiesFile}). */
    public static PropertiesView load(Path file) {
        return new PropertiesView(PropertiesFile.read(file), file.toAbsolutePath().toString());
    }

    /** Entries from a map, named {@code source} in errors. */
    public static PropertiesView of(Map<String, String> entries, String source) {
        return new PropertiesView(entries, source);
    }

    @Override
    public Optional<String> find(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    @Override
    public String describeSource() {
        return source;
    }

    @Override
    public SortedSet<String> keys() {
        return new TreeSet<>(entries.keySet());
    }

    @Override
    public Secret secret(String key, SecretCodec codec) {
        throw new ConfigValueException("Key '" + key + "' in " + source
                + " is a plain local file entry; secrets live in a configuration set, encrypted");
    }

    @Override
    public boolean isSecret(String key) {
        return false;
    }
}
