package io.zktoolkit.config.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.CapturedLogs;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.settings.Secret;
import io.zktoolkit.config.settings.SettingType;
import io.zktoolkit.config.settings.SettingsException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The configuration store against a real 3-server ZooKeeper quorum (embedded in this JVM). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConfigStoreTest {
    private static final AtomicInteger SETS = new AtomicInteger();
    private static ToolkitClient zk;

    @TempDir
    Path dir;

    @BeforeAll
    static void connect() {
        zk = ToolkitClient.open(ToolkitSettings.builder().set(io.zktoolkit.config.ToolkitKeys.EMBEDDED_SERVERS, 3).build());
    }

    @AfterAll
    static void close() {
        zk.close();
    }

    private static String newSet() {
        return "jobs/set-" + SETS.incrementAndGet();
    }

    private static ConfigStore.Builder store() {
        return ConfigStore.builder(zk).author("tester@test");
    }

    @Test
    void concurrentWriterGetsAConflictAndNothingIsLost() {
        ConfigStore store = store().build();
        String set = newSet();
        ConfigSnapshot v1 = store.publish(ConfigUpdate.on(store.read(set)).set("mappers", "4"));
        ConfigSnapshot aliceRead = store.read(set);
        ConfigSnapshot bobRead = store.read(set);
        store.publish(ConfigUpdate.on(aliceRead).set("mappers", "8"));

        assertThatThrownBy(() -> store.publish(ConfigUpdate.on(bobRead).set("table", "orders")))
                .isInstanceOf(ConfigConflictException.class)
                .hasMessageContaining(set + " is at version 2")
                .hasMessageContaining("published by tester@test")
                .hasMessageContaining("not the expected version 1; nothing was written");
        assertThat(store.read(set).entries()).containsExactly(Map.entry("mappers", "8"));

        ConfigSnapshot v3 = store.publish(ConfigUpdate.on(store.read(set)).set("table", "orders"));
        assertThat(v3.version()).isEqualTo(3);
        assertThat(v3.entries()).containsEntry("mappers", "8").containsEntry("table", "orders");
        assertThat(v1.version()).isEqualTo(1);
        // creating a set that someone else created meanwhile is a conflict too
        assertThatThrownBy(() -> store.publish(ConfigUpdate.on(ConfigSnapshot.absent(ConfigSetName.of(set))).set("x", "1")))
                .isInstanceOf(ConfigConflictException.class);
    }

    @Test
    void aHistoryFolderDeletedBehindTheStoresBackIsMadeAgain() throws Exception {
        ConfigStore store = store().build();
        String set = newSet();
        ConfigSnapshot v1 = store.publish(ConfigUpdate.on(store.read(set)).set("k", "1"));
        zk.curator().delete().deletingChildrenIfNeeded().forPath("/config/history/" + set);
        ConfigSnapshot v2 = store.publish(ConfigUpdate.on(v1).set("k", "2"));
        assertThat(v2.version()).isEqualTo(2);
        assertThat(store.history(set)).extracting(ConfigSnapshot::version).containsExactly(2L);
    }

    @Test
    void setsListsEveryPublishedSetNestedOrNot() {
        ConfigStore store = store().root("/listing-" + System.nanoTime()).build();
        assertThat(store.sets()).isEmpty();
        for (String set : List.of("jobs/orders", "jobs/customers", "shared", "jobs/eu/orders")) {
            store.publish(ConfigUpdate.on(store.read(set)).set("k", "v"));
        }
        assertThat(store.sets()).containsExactly("jobs/customers", "jobs/eu/orders", "jobs/orders", "shared");
    }

    @Test
    void historyKeepsTheLastVersionsWithWhoWhenAndWhy() {
        ConfigStore store = store().historySize(5).build();
        String set = newSet();
        ConfigSnapshot last = store.read(set);
        for (int i = 1; i <= 8; i++) {
            last = store.publish(ConfigUpdate.on(last).set("n", Integer.toString(i)).comment("step " + i));
        }
        List<ConfigSnapshot> history = store.history(set);
        assertThat(history).extracting(ConfigSnapshot::version).containsExactly(8L, 7L, 6L, 5L, 4L);
        assertThat(history).extracting(ConfigSnapshot::comment).containsExactly("step 8", "step 7", "step 6", "step 5", "step 4");
        assertThat(history).allMatch(s -> s.author().equals("tester@test"));
        assertThat(history.get(0).time()).isAfterOrEqualTo(history.get(4).time());
    }

    @Test
    void rollbackIsANewVersionWithTheOldContent() {
        ConfigStore store = store().build();
        String set = newSet();
        ConfigSnapshot v1 = store.publish(ConfigUpdate.on(store.read(set)).set("a", "1").set("b", "1"));
        ConfigSnapshot v2 = store.publish(ConfigUpdate.on(v1).set("a", "2").remove("b").set("c", "2"));

        ConfigSnapshot v3 = store.rollback(set, 1, v2.version());

        assertThat(v3.version()).isEqualTo(3);
        assertThat(v3.entries()).isEqualTo(v1.entries());
        assertThat(v3.comment()).isEqualTo("rollback to v1");
        assertThat(store.history(set)).extracting(ConfigSnapshot::version).containsExactly(3L, 2L, 1L);
        assertThatThrownBy(() -> store.rollback(set, 2, 2)).isInstanceOf(ConfigConflictException.class);
        assertThatThrownBy(() -> store.rollback(set, 99, 3))
                .isInstanceOf(ConfigValueException.class).hasMessageContaining("Version 99 of configuration set " + set + " is not kept");
    }

    @Test
    void badValuesAreRejectedByTheSchemaNamingEachKeyAndNothingIsWritten() {
        String set = newSet();
        ConfigSchema schema = ConfigSchema.builder()
                .required("source.table", SettingType.matching("[a-z_]+"))
                .optional("mappers", SettingType.integer(1, 64))
                .optional("timeout", SettingType.duration(Duration.ofSeconds(1)))
                .build();
        ConfigStore store = store().schema(set, schema).build();
        ConfigSnapshot v1 = store.publish(ConfigUpdate.on(store.read(set)).set("source.table", "orders").set("mappers", "4"));

        assertThatThrownBy(() -> store.publish(ConfigUpdate.on(v1).set("mappers", "500").set("timeout", "soon")
                .set("source.table", "DROP TABLE")))
                .isInstanceOf(ConfigValidationException.class)
                .hasMessageContaining("rejected, nothing written")
                .hasMessageContaining("mappers: value '500': expected a whole number from 1 to 64")
                .hasMessageContaining("timeout: value 'soon'")
                .hasMessageContaining("source.table: value 'DROP TABLE': expected text matching [a-z_]+")
                .satisfies(e -> assertThat(((ConfigValidationException) e).problems()).hasSize(3));
        assertThatThrownBy(() -> store.publish(ConfigUpdate.on(v1).remove("source.table")))
                .hasMessageContaining("source.table: is required");

        assertThat(store.read(set).version()).isEqualTo(1);
        assertThat(store.read(set).entries()).containsEntry("mappers", "4");
        assertThat(store.history(set)).hasSize(1);

        ConfigStore strict = store().schema(set, ConfigSchema.builder().required("source.table", SettingType.text()).strict().build()).build();
        assertThatThrownBy(() -> strict.publish(ConfigUpdate.on(store.read(set)).set("typo.key", "x")))
                .hasMessageContaining("typo.key: is not declared in the schema");
    }

    @Test
    void aVersionOverTheNodeSizeLimitIsRejectedBeforeTheWrite() {
        ConfigStore store = store().build();
        String set = newSet();
        ConfigSnapshot v1 = store.publish(ConfigUpdate.on(store.read(set)).set("small", "1"));
        String big = "x".repeat(600_000);
        assertThatThrownBy(() -> store.publish(ConfigUpdate.on(v1).set("blob", big)))
                .isInstanceOf(ConfigTooLargeException.class)
                .hasMessageContaining("Configuration set " + set + " would be 6")
                .hasMessageContaining("jute.maxbuffer")
                .hasMessageContaining("Nothing was written");
        assertThat(store.read(set).version()).isEqualTo(1);
    }

    @Test
    void exportIsStableAndImportRoundTripsIncludingMaskedSecrets() throws Exception {
        SecretCodec codec = SecretCodec.fromBase64(SecretCodec.generateKey());
        ConfigStore store = store().secretCodec(codec).build();
        String set = newSet();
        store.publish(ConfigUpdate.on(store.read(set)).set("b.text", "two words").set("a.text", "x=y")
                .set("c.text", "caf\u00e9").setSecret("db.password", Secret.of("hunter2")));

        Path first = dir.resolve("first.properties");
        Path second = dir.resolve("second.properties");
        store.exportProperties(set, first);
        store.exportProperties(set, second);
        assertThat(Files.readAllBytes(first)).isEqualTo(Files.readAllBytes(second));
        String text = Files.readString(first, StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("hunter2").contains("db.password=******")
                .contains("a.text=x=y\nb.text=two words\nc.text=caf\u00e9\ndb.password=******\n");

        // re-import the export with one change: the masked secret keeps its value
        Files.writeString(second, text.replace("two words", "three words"), StandardCharsets.UTF_8);
        ConfigSnapshot after = store.importProperties(set, second, ConfigStore.ImportMode.REPLACE);
        assertThat(after.version()).isEqualTo(2);
        assertThat(after.getString("b.text", null)).isEqualTo("three words");
        assertThat(after.secret("db.password", codec).reveal()).isEqualTo("hunter2");

        assertThatThrownBy(() -> store.importProperties(set, second, ConfigStore.ImportMode.IF_ABSENT))
                .isInstanceOf(ConfigConflictException.class);
        String fresh = newSet();
        assertThatThrownBy(() -> store.importProperties(fresh, first, ConfigStore.ImportMode.IF_ABSENT))
                .isInstanceOf(ConfigValueException.class)
                .hasMessageContaining("Key 'db.password' in " + first)
                .hasMessageContaining("has no stored secret to keep");
        assertThat(store.read(fresh).exists()).isFalse();
        Files.writeString(second, text.replace("db.password=******\n", ""), StandardCharsets.UTF_8);
        ConfigSnapshot created = store.importProperties(fresh, second, ConfigStore.ImportMode.IF_ABSENT);
        assertThat(created.version()).isEqualTo(1);
        assertThat(created.entries()).containsOnlyKeys("a.text", "b.text", "c.text");
        assertThatThrownBy(() -> store.importProperties(fresh, dir.resolve("missing.properties"), ConfigStore.ImportMode.REPLACE))
                .isInstanceOf(SettingsException.class).hasMessageContaining("missing.properties");
    }

    @Test
    void secretsAreEncryptedInZooKeeperAndNeverLoggedOrShown() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        ch.qos.logback.classic.Level before = root.getLevel();
        root.setLevel(ch.qos.logback.classic.Level.DEBUG);
        StringBuilder messages = new StringBuilder();
        try {
            SecretCodec codec = SecretCodec.fromBase64(SecretCodec.generateKey());
            String set = newSet();
            ConfigSchema schema = ConfigSchema.builder().secret("db.password").optional("n", SettingType.integer(0, 9)).build();
            ConfigStore store = store().secretCodec(codec).schema(set, schema).build();
            ConfigSnapshot v1 = store.publish(ConfigUpdate.on(store.read(set)).set("db.password", "hunter2").set("n", "1"));

            byte[] raw = zk.curator().getData().forPath("/config/sets/" + set);
            assertThat(new String(raw, StandardCharsets.UTF_8)).doesNotContain("hunter2").contains("enc:v1:");
            assertThat(v1.toString()).doesNotContain("hunter2").contains("db.password=******");
            assertThat(v1.secret("db.password", codec).reveal()).isEqualTo("hunter2");
            assertThat(v1.secret("db.password", codec).toString()).isEqualTo("******");

            try (LiveConfig live = store.watch(set)) {
                live.addListener(change -> {
                    messages.append(change).append('\n');
                    throw new IllegalStateException("listener blew up on " + change.current());
                });
                live.start();
                store.publish(ConfigUpdate.on(v1).set("n", "2"));
                awaitVersion(live, 2);
            }
            collect(messages, () -> v1.getString("db.password", null));
            collect(messages, () -> store.publish(ConfigUpdate.on(store.read(set)).set("n", "99")));
            collect(messages, () -> v1.secret("db.password", SecretCodec.fromBase64(SecretCodec.generateKey())));
            collect(messages, () -> ConfigStore.builder(zk).build().publish(ConfigUpdate.on(store.read(set))
                    .setSecret("other", Secret.of("hunter2"))));
            collect(messages, () -> { throw new IllegalStateException(store.read(set).toString()); });
            assertThat(messages.toString()).contains("cannot be decrypted", "is secret", "has no secret key");
        } finally {
            root.detachAppender(captured);
            root.setLevel(before);
        }
        String logged = captured.list.stream().map(e -> e.getFormattedMessage() + " " + e.getThrowableProxy())
                .collect(Collectors.joining("\n"));
        assertThat(logged).contains("listener blew up").doesNotContain("hunter2");
        assertThat(messages.toString()).doesNotContain("hunter2");
    }

    @Test
    void keysWhoseNamesLookSecretAreMaskedInEveryOutputYetReadAsUsual() throws Exception {
        String set = newSet();
        Path file = Files.writeString(dir.resolve("job.properties"),
                "db.password=Pw-4711\napi.token=Tk-4711\ncache.key=ck-visible\nbatch.size=100\nretries.key=3\n");
        // the schema declares cache.key a plain value: the name rule gives way
        ConfigStore store = store().schema(set, ConfigSchema.builder().optional("cache.key", SettingType.text())
                .optional("retries.key", SettingType.integer(0, 9)).build()).build();
        StringBuilder shown = new StringBuilder();
        try (CapturedLogs logs = CapturedLogs.start()) {
            ConfigSnapshot v1 = store.importProperties(set, dir.resolve("job.properties"), ConfigStore.ImportMode.IF_ABSENT);
            assertThat(v1.getString("db.password", null)).as("masking does not change what a program reads").isEqualTo("Pw-4711");
            assertThat(v1.getString("api.token", null)).isEqualTo("Tk-4711");
            assertThat(v1.maskedEntries()).containsEntry("db.password", "******").containsEntry("api.token", "******")
                    .containsEntry("cache.key", "ck-visible").containsEntry("batch.size", "100");
            shown.append(v1).append(store.read(set)).append(store.history(set));
            Path export = dir.resolve("export.properties");
            store.exportProperties(set, export);
            shown.append(Files.readString(export));
            assertThat(Files.readString(export)).contains("db.password=******", "cache.key=ck-visible");
            // the export published back keeps the masked values
            ConfigSnapshot v2 = store.importProperties(set, Files.writeString(export,
                    Files.readString(export).replace("batch.size=100", "batch.size=200")), ConfigStore.ImportMode.REPLACE);
            assertThat(v2.getString("db.password", null)).isEqualTo("Pw-4711");
            assertThat(v2.getInt("batch.size", 0)).isEqualTo(200);
            try (LiveConfig live = store.watch(set)) {
                live.addListener(change -> shown.append(change).append(change.current()));
                live.start();
                store.publish(ConfigUpdate.on(store.read(set)).set("api.token", "Tk-4712"));
                awaitVersion(live, 3);
                assertThat(live.snapshot().getString("api.token", null)).isEqualTo("Tk-4712");
            }
            // a typed read of a masked key that fails names the key, not the value
            collect(shown, () -> store.read(set).getInt("db.password", 0));
            collect(shown, () -> store.publish(ConfigUpdate.on(store.read(set)).set("retries.key", "Rk-not-a-number")));
            shown.append(logs.text());
        }
        assertThat(shown.toString()).contains("db.password", "Key 'db.password'", "retries.key")
                .doesNotContain("Pw-4711").doesNotContain("Tk-4711").doesNotContain("Tk-4712");
    }

    private static void collect(StringBuilder messages, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            messages.append(e.getMessage()).append('\n');
        }
    }

    static void awaitVersion(LiveConfig live, long version) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (live.snapshot().version() < version) {
            assertThat(System.nanoTime()).as("waiting for v" + version + " of " + live.name()).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void typedAccessWithDefaultsAndClearErrors() {
        ConfigStore store = store().build();
        String set = newSet();
        ConfigSnapshot s = store.publish(ConfigUpdate.on(store.read(set)).set("str", " text ").set("int", "42")
                .set("long", "9000000000").set("bool", "true").set("dbl", "0.75").set("dur", "5m").set("size", "64m")
                .set("list", "a, b,,c").set("mode", "last-modified").set("bad", "forty"));
        assertThat(s.getString("str", null)).isEqualTo("text");
        assertThat(s.getInt("int", 0)).isEqualTo(42);
        assertThat(s.getLong("long", 0)).isEqualTo(9_000_000_000L);
        assertThat(s.getBoolean("bool", false)).isTrue();
        assertThat(s.getDouble("dbl", 0)).isEqualTo(0.75);
        assertThat(s.getDuration("dur", null)).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.getSize("size", 0)).isEqualTo(64L * 1024 * 1024);
        assertThat(s.getList("list", List.of())).containsExactly("a", "b", "c");
        assertThat(s.getEnum("mode", Mode.class, Mode.APPEND)).isEqualTo(Mode.LAST_MODIFIED);
        assertThat(s.getInt("absent", 7)).isEqualTo(7);
        assertThatThrownBy(() -> s.getInt("bad", 0))
                .isInstanceOf(ConfigValueException.class)
                .hasMessageContaining("Key 'bad' in configuration set " + set + " v1 has value 'forty'");
        assertThatThrownBy(() -> s.require("absent", SettingType.text()))
                .hasMessageContaining("Key 'absent' is missing from configuration set " + set + " v1");
    }

    enum Mode { APPEND, LAST_MODIFIED }

    @Test
    void layersResolveJobOverDefaultsOverTheLocalFileAndFollowLiveChanges() throws Exception {
        ConfigStore store = store().build();
        String job = newSet();
        String defaults = newSet();
        store.publish(ConfigUpdate.on(store.read(defaults)).set("mappers", "4").set("fetch.size", "1000"));
        ConfigSnapshot jv1 = store.publish(ConfigUpdate.on(store.read(job)).set("mappers", "8"));
        Path local = dir.resolve("job.properties");
        Files.writeString(local, "mappers=1\nfetch.size=10\nlocal.only=yes\n");
        try (LiveConfig jobLive = store.watch(job); LiveConfig defaultsLive = store.watch(defaults)) {
            jobLive.start();
            defaultsLive.start();
            LayeredConfig config = LayeredConfig.builder().layer(jobLive::snapshot).layer(defaultsLive::snapshot)
                    .layer(PropertiesView.load(local)).build();
            assertThat(config.getInt("mappers", 0)).isEqualTo(8);
            assertThat(config.getInt("fetch.size", 0)).isEqualTo(1000);
            assertThat(config.getString("local.only", null)).isEqualTo("yes");
            assertThat(config.describeSource()).contains(job, defaults, local.toString());

            store.publish(ConfigUpdate.on(jv1).remove("mappers").set("fetch.size", "5000"));
            awaitVersion(jobLive, 2);
            assertThat(config.getInt("mappers", 0)).isEqualTo(4);
            assertThat(config.getInt("fetch.size", 0)).isEqualTo(5000);
        }
    }

    @Test
    void corruptDataInTheZnodeIsReportedWithItsPathAndTheWatcherKeepsTheLastGoodVersion() throws Exception {
        ConfigStore store = store().build();
        String set = newSet();
        store.publish(ConfigUpdate.on(store.read(set)).set("k", "good"));
        try (LiveConfig live = store.watch(set)) {
            live.start();
            zk.curator().setData().forPath("/config/sets/" + set, "{\"k\":\"foreign\"}".getBytes(StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!live.isStale() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(live.isStale()).isTrue();
            assertThat(live.snapshot().getString("k", null)).isEqualTo("good");
        }
        assertThatThrownBy(() -> store.read(set))
                .isInstanceOf(CorruptConfigException.class)
                .hasMessageContaining("/config/sets/" + set)
                .hasMessageContaining("not a ZK Toolkit configuration snapshot");
        assertThatThrownBy(() -> store.publish(ConfigUpdate.on(ConfigSnapshot.absent(ConfigSetName.of(set))).set("k", "x")))
                .isInstanceOf(CorruptConfigException.class);
    }
}
