package io.zktoolkit.examples.config;

import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.settings.PropertiesFile;
import io.zktoolkit.config.settings.Secret;
import io.zktoolkit.examples.ExitCodes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code zktoolkit config diff SET FILE | --versions A B}: what publishing a file would change, or
 * what changed between two kept versions. Secrets are compared but never printed.
 */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = "Show what publishing FILE would change in the set, or what changed between two kept versions"
                + " (--versions A B). Exit code 0 when they are equal, 1 when they differ.")
final class ConfigDiffCommand extends ConfigSubcommand {
    @Parameters(index = "1", arity = "0..1", paramLabel = "FILE", description = "A properties file to compare with the current version.")
    Path file;
    @Option(names = "--versions", arity = "2", paramLabel = "VERSION", description = "Compare two kept versions instead.")
    long[] versions;

    @Override
    protected void validate() {
        if ((file == null) == (versions == null)) {
            throw usageError("give either FILE or --versions A B");
        }
    }

    @Override
    int run(ConfigStore store, PrintWriter out) {
        ConfigSnapshot current = existing(store);
        SortedMap<String, String> from;
        SortedMap<String, String> to;
        String fromName;
        String toName;
        if (file != null) {
            from = current.maskedEntries();
            fromName = set + " v" + current.version();
            to = masked(PropertiesFile.read(file), current);
            toName = file.toString();
        } else {
            ConfigSnapshot a = store.readVersion(current.name(), versions[0]);
            ConfigSnapshot b = store.readVersion(current.name(), versions[1]);
            from = a.maskedEntries();
            to = b.maskedEntries();
            fromName = set + " v" + a.version();
            toName = set + " v" + b.version();
            if (!a.changedKeys(b).isEmpty() && from.equals(to)) {
                // Only secrets changed: masked values hide it, so say so rather than print nothing.
                a.changedKeys(b).forEach(k -> out.printf("~ %s (secret changed)%n", k));
                return ExitCodes.FAILED;
            }
        }
        out.printf("--- %s%n+++ %s%n", fromName, toName);
        int differences = 0;
        for (String key : new TreeSet<>(union(from, to))) {
            String a = from.get(key);
            String b = to.get(key);
            if (a == null) {
                out.printf("+ %s=%s%n", key, b);
            } else if (b == null) {
                out.printf("- %s=%s%n", key, a);
            } else if (!a.equals(b)) {
                out.printf("~ %s: %s -> %s%n", key, a, b);
            } else {
                continue;
            }
            differences++;
        }
        out.printf("%d difference%s%n", differences, differences == 1 ? "" : "s");
        return differences == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /**
     * The file's entries as they would be stored, masked keys (secret, or secret by name) shown
     * masked: the mask itself keeps the stored value, any other value replaces it and is never printed.
     */
    private static SortedMap<String, String> masked(Map<String, String> entries, ConfigSnapshot current) {
        SortedMap<String, String> out = new TreeMap<>();
        entries.forEach((k, v) -> {
            if (!current.isMasked(k)) {
                out.put(k, v);
            } else if (!Secret.mask().equals(v)) {
                // a value stored in plain text (masked by name only) can be compared; a ciphertext cannot
                boolean same = !current.isSecret(k) && current.find(k).filter(v::equals).isPresent();
                out.put(k, same || current.find(k).isEmpty() ? Secret.mask() : Secret.mask() + " (a new value)");
            } else {
                out.put(k, current.find(k).isPresent() ? Secret.mask() : Secret.mask() + " (no stored value to keep)");
            }
        });
        return out;
    }

    private static java.util.Set<String> union(Map<String, String> a, Map<String, String> b) {
        java.util.Set<String> keys = new java.util.HashSet<>(a.keySet());
        keys.addAll(b.keySet());
        return keys;
    }
}
