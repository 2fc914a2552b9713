package io.zktoolkit.config.live;

import io.zktoolkit.config.settings.Secret;
import io.zktoolkit.config.settings.SecretNames;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One immutable version of a configuration set: every key and value as published together,
 * with who published it, when and why. Values of secret keys are held as ciphertext; read them
 * with {@link #secret(String, SecretCodec)}. {@code toString()} never shows a secret.
 */
public final class ConfigSnapshot implements ConfigView {
    /** The znode version is not known (the snapshot came from history or was made in code). */
    static final int UNKNOWN_ZK_VERSION = -2;
    /** The set's znode did not exist when the snapshot was read. */
    static final int NO_NODE = -1;

    private final ConfigSetName name;
    private final long version;
    private final SortedMap<String, String> entries;
    private final SortedSet<String> secretKeys;
    private final String author;
    private final Instant time;
    private final String comment;
    private final int zkVersion;
    /** Keys a schema declares plain: exempt from the name rule of {@link #isMasked}. */
    private final Set<String> declaredPlain;

    ConfigSnapshot(ConfigSetName name, long version, Map<String, String> entries, SortedSet<String> secretKeys,
            String author, Instant time, String comment) {
        this(name, version, entries, secretKeys, author, time, comment, UNKNOWN_ZK_VERSION, Set.of());
    }

    private ConfigSnapshot(ConfigSetName name, long version, Map<String, String> entries, SortedSet<String> secretKeys,
            String author, Instant time, String comment, int zkVersion, Set<String> declaredPlain) {
        this.name = Objects.requireNonNull(name, "name");
        this.version = version;
        this.entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
        this.secretKeys = Collections.unmodifiableSortedSet(new TreeSet<>(secretKeys));
        this.author = Objects.requireNonNull(author, "author");
        this.time = Objects.requireNonNull(time, "time");
        this.comment = Objects.requireNonNull(comment, "comment");
        this.zkVersion = zkVersion;
        this.declaredPlain = Set.copyOf(declaredPlain);
    }

    /**
     * This snapshot, remembering the version of the set's znode it was read at, so a publish based
     * on it can compare-and-set without reading the znode again.
     */
    ConfigSnapshot withZkVersion(int znodeVersion) {
        return new ConfigSnapshot(name, version, entries, secretKeys, author, time, comment, znodeVersion, declaredPlain);
    }

    /** This snapshot, with {@code keys} (declared plain by a schema) shown even if their names look secret. */
    ConfigSnapshot declaringPlain(Set<String> keys) {
        return new ConfigSnapshot(name, version, entries, secretKeys, author, time, comment, zkVersion, keys);
    }

    /** The set znode's version this snapshot was read at, {@link #NO_NODE} or {@link #UNKNOWN_ZK_VERSION}. */
    int zkVersion() {
        return zkVersion;
    }

    /** The state of a set that was never published: version 0, no keys. */
    public static ConfigSnapshot absent(ConfigSetName name) {
        return new ConfigSnapshot(name, 0, Map.of(), new TreeSet<>(), "", Instant.EPOCH, "");
    }

    /** The set's name. */
    public ConfigSetName name() {
        return name;
    }

    /** The version: 1 for the first publish, one more for each publish after; 0 when never published. */
    public long version() {
        return version;
    }

    /** Whether the set exists (version above 0). */
    public boolean exists() {
        return version > 0;
    }

    /** Every key and stored value, sorted by key; secret values as ciphertext. */
    public SortedMap<String, String> entries() {
        return entries;
    }

    /** The keys whose values are secret. */
    public SortedSet<String> secretKeys() {
        return secretKeys;
    }

    /** Who published this version, for example {@code alice@edge-node-3}. */
    public String author() {
        return author;
    }

    /** When this version was published. */
    public Instant time() {
        return time;
    }

    /** Why it was published; empty when not given. */
    public String comment() {
        return comment;
    }

    @Override
    public Optional<String> find(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    @Override
    public SortedSet<String> keys() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(entries.keySet()));
    }

    @Override
    public String describeSource() {
        return "configuration set " + name + " v" + version;
    }

    @Override
    public boolean isSecret(String key) {
        return secretKeys.contains(key);
    }

    @Override
    public boolean isMasked(String key) {
        return isSecret(key) || SecretNames.looksSecret(key) && !declaredPlain.contains(key);
    }

    @Override
    public Secret secret(String key, SecretCodec codec) {
        String stored = entries.get(key);
        if (stored == null) {
            throw new ConfigValueException("Key '" + key + "' is missing from " + describeSource());
        }
        if (!secretKeys.contains(key)) {
            throw new ConfigValueException("Key '" + key + "' in " + describeSource() + " is not secret; read it with getString");
        }
        return Secret.of(codec.decrypt(name, key, stored));
    }

    /** Keys added, removed or changed between {@code older} and this snapshot. */
    public SortedSet<String> changedKeys(ConfigSnapshot older) {
        SortedSet<String> changed = new TreeSet<>();
        for (String key : older.entries.keySet()) {
            if (!Objects.equals(older.entries.get(key), entries.get(key))) {
                changed.add(key);
            }
        }
        for (String key : entries.keySet()) {
            if (!older.entries.containsKey(key)) {
                changed.add(key);
            }
        }
        return changed;
    }

    /** The entries with the values of {@linkplain #isMasked masked keys} replaced by the mask: safe to log or export. */
    public SortedMap<String, String> maskedEntries() {
        SortedMap<String, String> masked = new TreeMap<>(entries);
        masked.replaceAll((key, v) -> isMasked(key) ? Secret.mask() : v);
        return masked;
    }

    @Override
    public String toString() {
        return name + " v" + version + " by " + author + " at " + time + " " + maskedEntries();
    }
}
