package io.zktoolkit.config.live;

import io.zktoolkit.config.AccessDeniedException;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ZnodeLimits;
import io.zktoolkit.config.audit.AuditAction;
import io.zktoolkit.config.audit.AuditRecord;
import io.zktoolkit.config.audit.AuditTrail;
import io.zktoolkit.config.settings.PropertiesFile;
import io.zktoolkit.config.settings.Secret;
import io.zktoolkit.config.settings.SettingsException.Problem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Configuration sets in ZooKeeper: named maps of keys to values, published as whole versions.
 *
 * <p>Layout below the store's root (default {@code /config}, inside the client's namespace):
 * {@code sets/<name>} holds the current version; {@code history/<name>/v-<version>} keeps the
 * last {@link Builder#historySize(int) N} versions. A publish is one ZooKeeper transaction that
 * checks the version the writer read, writes the new version, records it in the history and
 * prunes the oldest: a reader sees either the whole old or the whole new version, and a
 * concurrent writer gets a {@link ConfigConflictException} with nothing written. The same
 * transaction adds an entry to the store's {@link AuditTrail} (who, when, which set, from and to
 * which version, which keys changed; never values), so a refused publish records nothing and a
 * landed one is always recorded.
 *
 * <p>Reads here go to ZooKeeper; for reads without a round trip that follow every change, use
 * {@link #watch(String)}.
 */
public final class ConfigStore {
    /** How {@link #importProperties} treats a set that already exists. */
    public enum ImportMode {
        /** Create the set only if it does not exist yet; otherwise fail and write nothing. */
        IF_ABSENT,
        /** Replace the set's content with the file's, as a new version. */
        REPLACE
    }

    private static final int REQUEST_OVERHEAD = ZnodeLimits.REQUEST_OVERHEAD;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConfigStore.class);

    private final CuratorFramework curator;
    private final String root;
    private final int historySize;
    private final String author;
    private final SecretCodec codec;
    private final Map<String, ConfigSchema> schemas;
    private final int maxSnapshotBytes;
    private final Clock clock;
    private final AuditTrail audit;
    private final Set<String> knownFolders = ConcurrentHashMap.newKeySet();

    private ConfigStore(Builder b) {
        this.curator = b.curator;
        this.root = b.root;
        this.historySize = b.historySize;
        this.author = b.author;
        this.codec = b.codec;
        this.schemas = Map.copyOf(b.schemas);
        this.maxSnapshotBytes = b.maxSnapshotBytes;
        this.clock = b.clock;
        this.audit = b.audit;
    }

    /** A builder for a store on a connected toolkit client. */
    public static Builder builder(ToolkitClient client) {
        return new Builder(client.curator(), AuditTrail.builder(client).build());
    }

    /** A builder for a store on any connected Curator client. */
    public static Builder builder(CuratorFramework curator) {
        return new Builder(curator, AuditTrail.builder(curator).build());
    }

    /** ZooKeeper's request size limit as this JVM's client sees it ({@code jute.maxbuffer}). */
    static int juteMaxBuffer() {
        return ZnodeLimits.juteMaxBuffer();
    }

    /** The current version of a set, or {@link ConfigSnapshot#absent} when it was never published. */
    public ConfigSnapshot read(String set) {
        return readCurrent(ConfigSetName.of(set));
    }

    /**
     * Publishes an update if the set is still at the version the update was based on.
     *
     * @return the new version
     * @throws ConfigConflictException when another writer published first; nothing is written
     * @throws ConfigValidationException when the result breaks the set's schema; nothing is written
     * @throws ConfigTooLargeException when the version would not fit in one request; nothing is written
     */
    public ConfigSnapshot publish(ConfigUpdate update) {
        ConfigSnapshot base = update.base();
        // A base read from ZooKeeper knows its znode version: the transaction's own version check
        // then detects a concurrent writer, and no second read is needed.
        ConfigSnapshot current = base.zkVersion() == ConfigSnapshot.UNKNOWN_ZK_VERSION ? readCurrent(base.name()) : base;
        if (current.version() != base.version()) {
            throw new ConfigConflictException(base.name(), base.version(), current);
        }
        return write(current, apply(update, current), AuditAction.CONFIG_PUBLISH);
    }

    /** The names of every set in the store, sorted (a set is a node under {@code sets} that holds a version). */
    public List<String> sets() {
        String base = ZKPaths.makePath(root, "sets");
        List<String> names = new ArrayList<>();
        java.util.ArrayDeque<String> folders = new java.util.ArrayDeque<>(List.of(base));
        try {
            while (!folders.isEmpty()) {
                String folder = folders.pop();
                List<String> children;
                try {
                    children = curator.getChildren().forPath(folder);
                } catch (KeeperException.NoNodeException e) {
                    continue;
                }
                for (String child : children) {
                    String path = ZKPaths.makePath(folder, child);
                    org.apache.zookeeper.data.Stat stat = curator.checkExists().forPath(path);
                    if (stat == null) {
                        continue;
                    }
                    if (stat.getDataLength() > 0) {
                        names.add(path.substring(base.length() + 1));
                    }
                    if (stat.getNumChildren() > 0) {
                        folders.push(path);
                    }
                }
            }
        } catch (Exception e) {
            AccessDeniedException.throwIfDenied(e, "list the configuration sets under " + base);
            throw new ConfigStoreException("Could not list the configuration sets under " + base + ": " + e, e);
        }
        names.sort(null);
        return names;
    }

    /** Every kept version of a set, newest first. */
    public List<ConfigSnapshot> history(String set) {
        ConfigSetName name = ConfigSetName.of(set);
        List<ConfigSnapshot> versions = new ArrayList<>();
        for (String child : historyChildren(name)) {
            byte[] data = call(() -> curator.getData().forPath(historyPath(name, child)), name);
            versions.add(decode(name, historyPath(name, child), data));
        }
        versions.sort(Comparator.comparingLong(ConfigSnapshot::version).reversed());
        return versions;
    }

    /**
     * Publishes the content of a kept version as a new version; history is never rewritten.
     *
     * @param expectedCurrentVersion the version the caller saw as current, for compare-and-set
     * @throws ConfigValueException when that version is no longer kept
     */
    public ConfigSnapshot rollback(String set, long toVersion, long expectedCurrentVersion) {
        ConfigSetName name = ConfigSetName.of(set);
        ConfigSnapshot target = readVersion(name, toVersion);
        ConfigSnapshot current = readCurrent(name);
        if (current.version() != expectedCurrentVersion) {
            throw new ConfigConflictException(name, expectedCurrentVersion, current);
        }
        ConfigSnapshot next = declared(new ConfigSnapshot(name, current.version() + 1, target.entries(),
                target.secretKeys(), author, clock.instant(), "rollback to v" + toVersion));
        checkSchema(name, next.entries());
        return write(current, next, AuditAction.CONFIG_ROLLBACK);
    }

    /** One kept version of a set. */
    public ConfigSnapshot readVersion(ConfigSetName name, long version) {
        String path = historyPath(name, versionNode(version));
        try {
            return decode(name, path, curator.getData().forPath(path));
        } catch (KeeperException.NoNodeException e) {
            throw new ConfigValueException("Version " + version + " of configuration set " + name
                    + " is not kept (the store keeps the last " + historySize + "); see history()");
        } catch (Exception e) {
            throw failure(name, e);
        }
    }

    /**
     * Imports a properties file as a new version. Keys the schema or the current version marks
     * secret are encrypted; a masked key ({@link ConfigSnapshot#isMasked}: secret, or secret by its
     * name) written as the mask {@code ******} (as {@link #exportProperties} writes it) keeps its
     * current value.
     */
    public ConfigSnapshot importProperties(String set, Path file, ImportMode mode) {
        ConfigSetName name = ConfigSetName.of(set);
        Map<String, String> entries = PropertiesFile.read(file);
        ConfigSnapshot current = read(set);
        if (mode == ImportMode.IF_ABSENT && current.exists()) {
            throw new ConfigConflictException(name, 0, current);
        }
        ConfigUpdate update = ConfigUpdate.replacing(current).comment("import " + file.toAbsolutePath());
        entries.forEach((key, value) -> {
            if (!Secret.mask().equals(value)) {
                update.set(key, value);
            } else if (current.isMasked(key) && current.find(key).isPresent()) {
                update.keep(key);
            } else {
                throw new ConfigValueException("Key '" + key + "' in " + file.toAbsolutePath() + " holds the mask "
                        + Secret.mask() + " of an exported secret, but configuration set " + name
                        + " has no stored secret to keep; write the real value in the file. Nothing was written");
            }
        });
        return publish(update);
    }

    /**
     * Writes the current version as a properties file: keys sorted, UTF-8, secrets masked, so the
     * same version always gives the same bytes.
     */
    public void exportProperties(String set, Path file) {
        try {
            Files.writeString(file, PropertiesExport.of(read(set)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file.toAbsolutePath(), e);
        }
    }

    /** The znode under which this store keeps its sets and history (inside the client's namespace). */
    public String root() {
        return root;
    }

    /** A live, watched view of a set; call {@link LiveConfig#start()} before use. */
    public LiveConfig watch(String set) {
        return new LiveConfig(this, ConfigSetName.of(set));
    }

    CuratorFramework curator() {
        return curator;
    }

    String setPath(ConfigSetName name) {
        return ZKPaths.makePath(root, "sets/" + name.value());
    }

    String historyDir(ConfigSetName name) {
        return ZKPaths.makePath(root, "history/" + name.value());
    }

    /** Kept versions of a set between {@code from} and {@code to} inclusive, skipping those no longer kept. */
    Map<Long, ConfigSnapshot> keptVersions(ConfigSetName name, long from, long to) {
        Map<Long, ConfigSnapshot> found = new HashMap<>();
        for (long v = from; v <= to; v++) {
            String path = historyPath(name, versionNode(v));
            try {
                found.put(v, decode(name, path, curator.getData().forPath(path)));
            } catch (KeeperException.NoNodeException pruned) {
                // older than the history keeps
            } catch (Exception e) {
                throw failure(name, e);
            }
        }
        return found;
    }

    /**
     * Decodes a set node's data read at {@code stat}; an empty node is an intermediate path of a
     * deeper set name, not a set.
     */
    /**
     * Decodes a znode of this store; a corrupt one is reported with its full path, the client's
     * namespace included, since that is the path an operator gives {@code zkCli}.
     */
    private ConfigSnapshot decode(ConfigSetName name, String path, byte[] data) {
        String namespace = curator.getNamespace();
        return declared(SnapshotFormat.decode(name, namespace == null || namespace.isEmpty() ? path
                : ZKPaths.makePath(namespace, path), data));
    }

    /** {@code snapshot} knowing which keys the set's schema declares plain, so their names do not mask them. */
    private ConfigSnapshot declared(ConfigSnapshot snapshot) {
        ConfigSchema schema = schemas.get(snapshot.name().value());
        return schema == null ? snapshot : snapshot.declaringPlain(schema.plainKeys());
    }

    ConfigSnapshot decodeSet(ConfigSetName name, byte[] data, Stat stat) {
        ConfigSnapshot snapshot = data == null || data.length == 0 ? ConfigSnapshot.absent(name)
                : decode(name, setPath(name), data);
        return snapshot.withZkVersion(stat.getVersion());
    }

    private ConfigSnapshot apply(ConfigUpdate update, ConfigSnapshot current) {
        ConfigSetName name = current.name();
        ConfigSchema schema = schemas.get(name.value());
        Map<String, String> entries = new TreeMap<>(update.replaceAll() ? Map.of() : current.entries());
        SortedSet<String> secrets = new TreeSet<>(update.replaceAll() ? new TreeSet<>() : current.secretKeys());
        update.removes().forEach(k -> {
            entries.remove(k);
            secrets.remove(k);
        });
        update.keeps().stream().filter(k -> current.find(k).isPresent()).forEach(k -> {
            entries.put(k, current.entries().get(k));
            if (current.isSecret(k)) {
                secrets.add(k);
            }
        });
        Map<String, String> plainForCheck = new TreeMap<>(entries);
        update.sets().forEach((k, v) -> {
            boolean secret = current.isSecret(k) || (schema != null && schema.secretKeys().contains(k));
            plainForCheck.put(k, v);
            entries.put(k, secret ? encrypt(name, k, v) : v);
            if (secret) {
                secrets.add(k);
            } else {
                secrets.remove(k);
            }
        });
        update.secretSets().forEach((k, v) -> {
            plainForCheck.put(k, v.reveal());
            entries.put(k, encrypt(name, k, v.reveal()));
            secrets.add(k);
        });
        checkSchema(name, plainForCheck);
        return declared(new ConfigSnapshot(name, current.version() + 1, entries, secrets, author, clock.instant(), update.comment()));
    }

    private void checkSchema(ConfigSetName name, Map<String, String> entries) {
        ConfigSchema schema = schemas.get(name.value());
        if (schema == null) {
            return;
        }
        List<Problem> problems = schema.check(entries);
        if (!problems.isEmpty()) {
            throw new ConfigValidationException(name, problems);
        }
    }

    private static int entryBytes(Map.Entry<String, String> entry) {
        return (entry.getKey() + entry.getValue()).getBytes(StandardCharsets.UTF_8).length;
    }

    private String encrypt(ConfigSetName name, String key, String plain) {
        if (codec == null) {
            throw new ConfigValueException("Key '" + key + "' of configuration set " + name
                    + " is secret, but this store has no secret key; build it with secretCodec(SecretCodec.fromKeyFile(...))");
        }
        return codec.encrypt(name, key, plain);
    }

    private ConfigSnapshot write(ConfigSnapshot current, ConfigSnapshot next, AuditAction action) {
        ConfigSetName name = next.name();
        byte[] data = SnapshotFormat.encode(next);
        if (data.length > maxSnapshotBytes) {
            Map.Entry<String, String> largest = next.entries().entrySet().stream()
                    .max(Comparator.comparingInt(ConfigStore::entryBytes)).orElse(null);
            throw new ConfigTooLargeException(name, data.length, maxSnapshotBytes,
                    largest == null ? null : largest.getKey(), largest == null ? 0 : entryBytes(largest));
        }
        try {
            try {
                transact(current, next, data, action);
            } catch (KeeperException.NoNodeException folderGone) {
                // A folder this store remembered was deleted behind its back: forget and try once more.
                knownFolders.clear();
                transact(current, next, data, action);
            }
        } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException e) {
            throw new ConfigConflictException(name, current.version(), readCurrent(name));
        } catch (Exception e) {
            AccessDeniedException.throwIfDenied(e, "publish version " + next.version() + " of configuration set " + name);
            throw failure(name, e);
        }
        pruneHistory(name);
        return next.withZkVersion(current.zkVersion() == ConfigSnapshot.NO_NODE ? 0 : current.zkVersion() + 1);
    }

    /** Checks the read version, writes the new one, records it in history and in the audit trail, as one transaction. */
    private void transact(ConfigSnapshot current, ConfigSnapshot next, byte[] data, AuditAction action) throws Exception {
        ConfigSetName name = next.name();
        ensureParents(name);
        String setPath = setPath(name);
        CuratorOp write = current.zkVersion() == ConfigSnapshot.NO_NODE
                ? curator.transactionOp().create().forPath(setPath, data)
                : curator.transactionOp().setData().withVersion(current.zkVersion()).forPath(setPath, data);
        List<CuratorOp> ops = List.of(write,
                curator.transactionOp().create().forPath(historyPath(name, versionNode(next.version())), data));
        try {
            if (audit == null) {
                curator.transaction().forOperations(ops);
            } else {
                audit.commit(ops, auditRecord(current, next, action));
            }
        } catch (KeeperException.NoAuthException e) {
            AccessDeniedException.throwIfDenied(e, "publish version " + next.version() + " of configuration set " + name, ops);
        }
    }

    /** Versions and key names only: values may be secrets. */
    private AuditRecord auditRecord(ConfigSnapshot current, ConfigSnapshot next, AuditAction action) {
        Map<String, String> details = new TreeMap<>();
        details.put("set", next.name().value());
        details.put("from", current.exists() ? Long.toString(current.version()) : "none");
        details.put("to", Long.toString(next.version()));
        details.put("author", next.author());
        details.put("changed", String.join(",", next.changedKeys(current)));
        return new AuditRecord(action, setPath(next.name()), next.comment(), details);
    }

    /**
     * Deletes versions beyond the history size. It runs after the publish, not inside it, so
     * watchers hear of a new version one listing sooner; if it fails or the process dies first,
     * the next publish prunes what is left.
     */
    private void pruneHistory(ConfigSetName name) {
        try {
            List<String> kept = historyChildren(name);
            for (int i = 0; i < kept.size() - historySize; i++) {
                try {
                    curator.delete().forPath(historyPath(name, kept.get(i)));
                } catch (KeeperException.NoNodeException alreadyPruned) {
                    // a concurrent publisher pruned it
                }
            }
        } catch (Exception e) {
            LOG.warn("Could not prune the history of configuration set {}; the next publish will: {}", name, e.toString());
        }
    }

    /** Folders a publish needs; checked once per store, since they are never deleted in normal use. */
    private void ensureParents(ConfigSetName name) throws Exception {
        for (String dir : List.of(ZKPaths.getPathAndNode(setPath(name)).getPath(), historyDir(name))) {
            if (knownFolders.contains(dir)) {
                continue;
            }
            if (curator.checkExists().forPath(dir) == null) {
                try {
                    curator.create().creatingParentsIfNeeded().forPath(dir, new byte[0]);
                } catch (KeeperException.NodeExistsException raced) {
                    // another writer made it first
                }
            }
            knownFolders.add(dir);
        }
    }

    /** The current version with the znode version it was read at. */
    private ConfigSnapshot readCurrent(ConfigSetName name) {
        Stat stat = new Stat();
        try {
            byte[] data = curator.getData().storingStatIn(stat).forPath(setPath(name));
            return decodeSet(name, data, stat);
        } catch (KeeperException.NoNodeException e) {
            return ConfigSnapshot.absent(name).withZkVersion(ConfigSnapshot.NO_NODE);
        } catch (CorruptConfigException e) {
            throw e;
        } catch (Exception e) {
            throw failure(name, e);
        }
    }

    private List<String> historyChildren(ConfigSetName name) {
        try {
            List<String> children = new ArrayList<>(curator.getChildren().forPath(historyDir(name)));
            children.removeIf(c -> !c.startsWith("v-"));
            children.sort(null);
            return children;
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw failure(name, e);
        }
    }

    private String historyPath(ConfigSetName name, String child) {
        return ZKPaths.makePath(historyDir(name), child);
    }

    private static String versionNode(long version) {
        return String.format("v-%019d", version);
    }

    private <T> T call(java.util.concurrent.Callable<T> op, ConfigSetName name) {
        try {
            return op.call();
        } catch (Exception e) {
            throw failure(name, e);
        }
    }

    private RuntimeException failure(ConfigSetName name, Exception e) {
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        AccessDeniedException.throwIfDenied(e, "read configuration set " + name);
        return new ConfigStoreException("ZooKeeper operation on configuration set " + name + " at "
                + curator.getZookeeperClient().getCurrentConnectionString() + " failed: " + e, e);
    }

    /** Options for a store. */
    public static final class Builder {
        private final CuratorFramework curator;
        private String root = "/config";
        private int historySize = 20;
        private String author = defaultAuthor();
        private SecretCodec codec;
        private final Map<String, ConfigSchema> schemas = new HashMap<>();
        private int maxSnapshotBytes = (juteMaxBuffer() - REQUEST_OVERHEAD) / 2;
        private Clock clock = Clock.systemUTC();
        private AuditTrail audit;

        private Builder(CuratorFramework curator, AuditTrail audit) {
            this.curator = Objects.requireNonNull(curator, "curator");
            this.audit = audit;
        }

        /**
         * Where publishes and rollbacks are recorded (default an {@link AuditTrail} at
         * {@value AuditTrail#DEFAULT_ROOT} on the same client); null records nothing.
         */
        public Builder audit(AuditTrail trail) {
            this.audit = trail;
            return this;
        }

        /** The znode under which sets and history live (inside the client's namespace). */
        public Builder root(String root) {
            org.apache.zookeeper.common.PathUtils.validatePath(root);
            this.root = root;
            return this;
        }

        /** How many versions each set keeps for history and rollback, at least 1 (default 20). */
        public Builder historySize(int versions) {
            if (versions < 1) {
                throw new IllegalArgumentException("historySize must be at least 1, got " + versions);
            }
            this.historySize = versions;
            return this;
        }

        /** Who this store's writes are recorded as (default {@code user@host}). */
        public Builder author(String author) {
            this.author = Objects.requireNonNull(author, "author");
            return this;
        }

        /** The key for secret values; without one, publishing a secret fails and secrets cannot be read. */
        public Builder secretCodec(SecretCodec codec) {
            this.codec = codec;
            return this;
        }

        /** Declares the schema every update of {@code set} must pass. */
        public Builder schema(String set, ConfigSchema schema) {
            this.schemas.put(ConfigSetName.of(set).value(), Objects.requireNonNull(schema, "schema"));
            return this;
        }

        /** Largest encoded version accepted (default: half of jute.maxbuffer, less request overhead). */
        public Builder maxSnapshotBytes(int bytes) {
            this.maxSnapshotBytes = bytes;
            return this;
        }

        /** The clock for publish times (tests). */
        Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** The store. */
        public ConfigStore build() {
            return new ConfigStore(this);
        }

        private static String defaultAuthor() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "unknown-host";
            }
            return System.getProperty("user.name", "unknown") + "@" + host;
        }
    }
}
