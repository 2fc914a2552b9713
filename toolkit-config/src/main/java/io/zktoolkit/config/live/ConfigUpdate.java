package io.zktoolkit.config.live;

import io.zktoolkit.config.settings.Secret;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Changes to publish as one new version of a set, on top of the version the writer read. The
 * store writes it only if that version is still current (compare-and-set), so a concurrent
 * writer's change is never overwritten unseen.
 *
 * <pre>{@code
 * ConfigSnapshot current = store.read("jobs/daily-orders");
 * store.publish(ConfigUpdate.on(current).set("mappers", "8").set("split.by", "id").comment("more mappers"));
 * }</pre>
 */
public final class ConfigUpdate {
    private final ConfigSnapshot base;
    private final boolean replaceAll;
    private final Map<String, String> sets = new LinkedHashMap<>();
    private final Map<String, Secret> secretSets = new LinkedHashMap<>();
    private final Set<String> removes = new LinkedHashSet<>();
    private final Set<String> keeps = new LinkedHashSet<>();
    private String comment = "";

    private ConfigUpdate(ConfigSnapshot base, boolean replaceAll) {
        this.base = Objects.requireNonNull(base, "base");
        this.replaceAll = replaceAll;
    }

    /** Changes on top of {@code base}: keys not mentioned keep their values. */
    public static ConfigUpdate on(ConfigSnapshot base) {
        return new ConfigUpdate(base, false);
    }

    /** A whole new content for the set that {@code base} is the current version of: keys not set are removed. */
    public static ConfigUpdate replacing(ConfigSnapshot base) {
        return new ConfigUpdate(base, true);
    }

    /** Sets a key; a key the schema or the current version marks secret is encrypted all the same. */
    public ConfigUpdate set(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value of " + key);
        removes.remove(key);
        keeps.remove(key);
        secretSets.remove(key);
        sets.put(key, value);
        return this;
    }

    /** Sets a key whose value is secret: stored encrypted, shown masked. */
    public ConfigUpdate setSecret(String key, Secret value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value of " + key);
        removes.remove(key);
        keeps.remove(key);
        sets.remove(key);
        secretSets.put(key, value);
        return this;
    }

    /** Removes a key. */
    public ConfigUpdate remove(String key) {
        sets.remove(key);
        secretSets.remove(key);
        keeps.remove(key);
        removes.add(Objects.requireNonNull(key, "key"));
        return this;
    }

    /** Carries a key over from the base version unchanged (secret ciphertext included), also when replacing. */
    public ConfigUpdate keep(String key) {
        sets.remove(key);
        secretSets.remove(key);
        removes.remove(key);
        keeps.add(Objects.requireNonNull(key, "key"));
        return this;
    }

    /** Says why, kept in the history. */
    public ConfigUpdate comment(String text) {
        this.comment = Objects.requireNonNull(text, "comment");
        return this;
    }

    /** The version this update was prepared against. */
    public ConfigSnapshot base() {
        return base;
    }

    boolean replaceAll() {
        return replaceAll;
    }

    Map<String, String> sets() {
        return sets;
    }

    Map<String, Secret> secretSets() {
        return secretSets;
    }

    Set<String> removes() {
        return removes;
    }

    Set<String> keeps() {
        return keeps;
    }

    String comment() {
        return comment;
    }
}
