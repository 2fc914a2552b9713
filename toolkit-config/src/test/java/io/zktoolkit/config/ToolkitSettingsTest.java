package io.zktoolkit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.settings.Interpolator;
import io.zktoolkit.config.settings.Secret;
import io.zktoolkit.config.settings.SettingKey;
import io.zktoolkit.config.settings.SettingsException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.retry.RetryNTimes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolkitSettingsTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void defaultsDescribeAnEmbeddedStandaloneServer() {
        ToolkitSettings s = ToolkitSettings.defaults();
        assertThat(s.isEmbedded()).isTrue();
        assertThat(s.namespace()).isEqualTo("zktoolkit");
        assertThat(s.sessionTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(s.connectionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.aclMode()).isEqualTo(AclMode.OPEN);
        assertThat(s.ownershipPolicy()).isEqualTo(OwnershipPolicy.SUSPENDED);
        assertThat(s.get(ToolkitKeys.EMBEDDED_SERVERS)).isEqualTo(1);
        assertThat(s.find(ToolkitKeys.AUTH_DIGEST)).isEmpty();
        assertThat(s.retryPolicy()).isInstanceOf(ExponentialBackoffRetry.class);
    }

    @Test
    void everyKeyIsParsedFromAFile() throws Exception {
        // Stores are opened with their password when the settings are read, so these are real (empty) ones.
        Path trust = emptyStore("trust.p12", "PKCS12", "tpass");
        Path keys = emptyStore("keys.jks", "JKS", "kpass");
        Path file = write("all.properties", String.join("\n",
                "# every key set to something other than its default",
                "zk.connect=zk1:2181,zk2:2182,[::1]:2183",
                "zk.namespace=team/etl",
                "zk.session.timeout=40s",
                "zk.connection.timeout=5000",
                "zk.retry.policy=fixed",
                "zk.retry.base.sleep=250ms",
                "zk.retry.max.sleep=2m",
                "zk.retry.max.retries=7",
                "zk.ownership.lost.on=lost",
                "zk.auth.digest=alice:s3cret",
                "zk.acl=creator-world-read",
                "zk.tls.enabled=true",
                "zk.tls.keystore.path=" + keys,
                "zk.tls.keystore.password=kpass",
                "zk.tls.keystore.type=jks",
                "zk.tls.truststore.path=trust.p12",
                "zk.tls.truststore.password=tpass",
                "zk.tls.truststore.type=PKCS12",
                "zk.tls.hostname.verification=false",
                "zk.embedded.servers=3",
                "zk.embedded.port=21810",
                "zk.embedded.data.dir=/var/tmp/zk",
                "zk.embedded.tick.time=1s",
                "spark.executor.memory=4g"));
        // a relative truststore path is resolved by the job's working directory, so make it absolute here
        Files.writeString(file, Files.readString(file).replace("=trust.p12", "=" + trust));

        ToolkitSettings s = ToolkitSettings.load(file);

        assertThat(s.connectString()).isEqualTo("zk1:2181,zk2:2182,[::1]:2183");
        assertThat(s.namespace()).isEqualTo("team/etl");
        assertThat(s.sessionTimeout()).isEqualTo(Duration.ofSeconds(40));
        assertThat(s.connectionTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.get(ToolkitKeys.RETRY_POLICY)).isEqualTo(RetryPolicyKind.FIXED);
        assertThat(s.retryPolicy()).isInstanceOf(RetryNTimes.class);
        assertThat(s.get(ToolkitKeys.RETRY_BASE_SLEEP)).isEqualTo(Duration.ofMillis(250));
        assertThat(s.get(ToolkitKeys.RETRY_MAX_SLEEP)).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.get(ToolkitKeys.RETRY_MAX_RETRIES)).isEqualTo(7);
        assertThat(s.ownershipPolicy()).isEqualTo(OwnershipPolicy.LOST);
        assertThat(s.get(ToolkitKeys.AUTH_DIGEST).reveal()).isEqualTo("alice:s3cret");
        assertThat(s.aclMode()).isEqualTo(AclMode.CREATOR_WORLD_READ);
        assertThat(s.tlsEnabled()).isTrue();
        assertThat(s.get(ToolkitKeys.TLS_KEYSTORE_PATH)).isEqualTo(keys);
        assertThat(s.get(ToolkitKeys.TLS_KEYSTORE_PASSWORD).reveal()).isEqualTo("kpass");
        assertThat(s.get(ToolkitKeys.TLS_KEYSTORE_TYPE)).isEqualTo("JKS");
        assertThat(s.get(ToolkitKeys.TLS_TRUSTSTORE_PATH)).isEqualTo(trust);
        assertThat(s.get(ToolkitKeys.TLS_TRUSTSTORE_PASSWORD).reveal()).isEqualTo("tpass");
        assertThat(s.get(ToolkitKeys.TLS_TRUSTSTORE_TYPE)).isEqualTo("PKCS12");
        assertThat(s.get(ToolkitKeys.TLS_HOSTNAME_VERIFICATION)).isFalse();
        assertThat(s.get(ToolkitKeys.EMBEDDED_SERVERS)).isEqualTo(3);
        assertThat(s.get(ToolkitKeys.EMBEDDED_PORT)).isEqualTo(21810);
        assertThat(s.get(ToolkitKeys.EMBEDDED_DATA_DIR)).isEqualTo(Path.of("/var/tmp/zk"));
        assertThat(s.get(ToolkitKeys.EMBEDDED_TICK_TIME)).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.source()).isEqualTo(file.toAbsolutePath().toString());
        // every declared key was covered by this file
        assertThat(s.describe().keySet()).containsExactlyElementsOf(
                ToolkitKeys.ALL.stream().map(SettingKey::name).toList());
    }

    @Test
    void describeAndToStringMaskSecrets() throws Exception {
        ToolkitSettings s = ToolkitSettings.load(write("s.properties",
                "zk.connect=zk1:2181\nzk.auth.digest=alice:s3cret\nzk.acl=creator\n"));
        assertThat(s.describe()).containsEntry("zk.auth.digest", "******");
        assertThat(s.toString()).doesNotContain("s3cret").contains("zk.auth.digest=******");
        assertThat(Secret.of("x").toString()).isEqualTo("******");
    }

    @Test
    void propertiesObjectsAreAcceptedAndOtherKeysIgnored() {
        Properties p = new Properties();
        p.setProperty("zk.connect", "localhost:2181");
        p.setProperty("sqoop.table", "orders");
        ToolkitSettings s = ToolkitSettings.fromProperties(p, "job arguments");
        assertThat(s.connectString()).isEqualTo("localhost:2181");
        assertThat(s.source()).isEqualTo("job arguments");
    }

    @Test
    void unknownKeySuggestsTheNearestKeyAndNamesTheFile() throws Exception {
        Path file = write("typo.properties", "zk.sesion.timeout=30s\n");
        assertThatThrownBy(() -> ToolkitSettings.load(file))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("zk.sesion.timeout")
                .hasMessageContaining("did you mean zk.session.timeout?");
    }

    @Test
    void unknownKeyFarFromAnyListsTheValidKeys() {
        assertThatThrownBy(() -> ToolkitSettings.fromMap(Map.of("zk.completely.else", "1"), "m", plain()))
                .hasMessageContaining("valid zk.* keys are")
                .hasMessageContaining("zk.connect");
    }

    @Test
    void malformedNumberNamesKeyValueAndWhatIsValid() throws Exception {
        Path file = write("n.properties", "zk.retry.max.retries=ten\n");
        assertThatThrownBy(() -> ToolkitSettings.load(file))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("zk.retry.max.retries: value 'ten': expected a whole number from 0 to 29");
    }

    @Test
    void malformedAndNegativeDurationsAreRejected() {
        assertThatThrownBy(() -> parse("zk.session.timeout", "30 seconds"))
                .hasMessageContaining("zk.session.timeout: value '30 seconds': expected a whole number with a unit");
        assertThatThrownBy(() -> parse("zk.connection.timeout", "-5s"))
                .hasMessageContaining("zk.connection.timeout: value '-5s'")
                .hasMessageContaining("at least 100ms");
        assertThatThrownBy(() -> parse("zk.session.timeout", "10ms"))
                .hasMessageContaining("at least 1s");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        SettingsException e = org.junit.jupiter.api.Assertions.assertThrows(SettingsException.class,
                () -> ToolkitSettings.fromMap(Map.of("zk.retry.policy", "sometimes", "zk.embedded.servers", "2",
                        "zk.acl", "everyone"), "job.properties", plain()));
        assertThat(e.problems()).extracting(SettingsException.Problem::key)
                .containsExactlyInAnyOrder("zk.retry.policy", "zk.embedded.servers", "zk.acl");
        assertThat(e.getMessage()).contains("3 problems")
                .contains("expected one of exponential, fixed, forever, none")
                .contains("expected 1, 3 or 5")
                .contains("expected one of open, creator, creator-world-read");
    }

    @Test
    void badConnectStringsAndNamespacesAreRejected() {
        assertThatThrownBy(() -> parse("zk.connect", "zk1:99999")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> parse("zk.connect", "zk1:2181,,zk2")).hasMessageContaining("is not host:port");
        assertThatThrownBy(() -> parse("zk.connect", "zk1:2181/app")).hasMessageContaining("set zk.namespace instead");
        assertThatThrownBy(() -> parse("zk.namespace", "/abs")).hasMessageContaining("must not start or end with '/'");
        assertThatThrownBy(() -> parse("zk.namespace", "a//b")).hasMessageContaining("not a valid znode path");
        assertThatThrownBy(() -> parse("zk.namespace", "a/../b")).hasMessageContaining("not a valid znode path");
        assertThatThrownBy(() -> parse("zk.namespace", "zookeeper")).hasMessageContaining("reserved");
        assertThat(parse("zk.connect", "EMBEDDED").isEmbedded()).isTrue();
        assertThat(parse("zk.namespace", "").namespace()).isEmpty();
    }

    @Test
    void secretValuesNeverAppearInErrors() {
        assertThatThrownBy(() -> parse("zk.auth.digest", "nocolonsecret"))
                .hasMessageContaining("zk.auth.digest: value hidden (secret): expected user:password")
                .hasMessageNotContaining("nocolonsecret");
    }

    @Test
    void crossKeyRulesNameTheKeyToChange() {
        assertThatThrownBy(() -> parse("zk.acl", "creator"))
                .hasMessageContaining("zk.acl: creator needs zk.auth.digest");
        assertThatThrownBy(() -> ToolkitSettings.fromMap(Map.of("zk.connection.timeout", "20s",
                "zk.session.timeout", "10s"), "m", plain()))
                .hasMessageContaining("zk.connection.timeout: 20s is longer than zk.session.timeout (10s)");
        assertThatThrownBy(() -> ToolkitSettings.fromMap(Map.of("zk.retry.base.sleep", "20s"), "m", plain()))
                .hasMessageContaining("zk.retry.base.sleep: is longer than zk.retry.max.sleep");
        assertThatThrownBy(() -> ToolkitSettings.fromMap(Map.of("zk.embedded.port", "65535",
                "zk.embedded.servers", "3"), "m", plain()))
                .hasMessageContaining("zk.embedded.port: 65535 leaves no room for 3 servers");
        assertThatThrownBy(() -> ToolkitSettings.fromMap(Map.of("zk.tls.enabled", "true"), "m", plain()))
                .hasMessageContaining("zk.tls.enabled: TLS needs an external ensemble")
                .hasMessageContaining("zk.tls.truststore.path: is required");
        assertThatThrownBy(() -> ToolkitSettings.fromMap(Map.of("zk.connect", "zk1:2181", "zk.tls.enabled", "true",
                "zk.tls.truststore.path", dir.resolve("missing.p12").toString()), "m", plain()))
                .hasMessageContaining("zk.tls.truststore.path: file " + dir.resolve("missing.p12") + " does not exist");
    }

    @Test
    void connectionTimeoutFollowsAShorterSessionTimeoutUnlessSetExplicitly() {
        assertThat(parse("zk.session.timeout", "4s").connectionTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(parse("zk.session.timeout", "60s").connectionTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void builderAppliesTheSameValidation() {
        assertThatThrownBy(() -> ToolkitSettings.builder().set(ToolkitKeys.ACL, AclMode.CREATOR).build())
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("settings built in code")
                .hasMessageContaining("zk.acl");
        ToolkitSettings s = ToolkitSettings.builder().set(ToolkitKeys.CONNECT, "h:1").build();
        assertThat(s.toBuilder().set(ToolkitKeys.NAMESPACE, "x").build().namespace()).isEqualTo("x");
        assertThat(s.toBuilder().set(ToolkitKeys.CONNECT, null).build().isEmbedded()).isTrue();
    }

    @Test
    void referencesResolveFromEnvironmentSystemPropertiesAndFiles() throws Exception {
        Path secretFile = write("digest.secret", "bob:from-file\n");
        System.setProperty("zktoolkit.test.ns", "from-sys");
        try {
            Interpolator interpolator = new Interpolator(Map.of("ZK_HOSTS", "zkA:2181")::get, System::getProperty, dir);
            ToolkitSettings s = ToolkitSettings.fromMap(Map.of(
                    "zk.connect", "${env:ZK_HOSTS}",
                    "zk.namespace", "${sys:zktoolkit.test.ns}/${env:MISSING:-dflt}",
                    "zk.auth.digest", "${file:digest.secret}"), "m", interpolator);
            assertThat(s.connectString()).isEqualTo("zkA:2181");
            assertThat(s.namespace()).isEqualTo("from-sys/dflt");
            assertThat(s.get(ToolkitKeys.AUTH_DIGEST).reveal()).isEqualTo("bob:from-file");
        } finally {
            System.clearProperty("zktoolkit.test.ns");
        }
    }

    @Test
    void theRealProcessEnvironmentIsUsedForFiles() throws Exception {
        String home = System.getenv("HOME");
        Path file = write("env.properties", "zk.embedded.data.dir=${env:HOME}/zk\n");
        assertThat(ToolkitSettings.load(file).get(ToolkitKeys.EMBEDDED_DATA_DIR)).isEqualTo(Path.of(home + "/zk"));
    }

    @Test
    void unresolvableReferencesAreErrorsNamingTheKey() {
        Interpolator interpolator = new Interpolator(Map.<String, String>of()::get, k -> null, dir);
        assertThatThrownBy(() -> ToolkitSettings.fromMap(Map.of("zk.connect", "${env:ZK_HOSTS}"), "m", interpolator))
                .hasMessageContaining("zk.connect: value '${env:ZK_HOSTS}': refers to environment variable ZK_HOSTS, which is not set");
        assertThatThrownBy(() -> ToolkitSettings.fromMap(Map.of("zk.auth.digest", "${file:nope.txt}"), "m", interpolator))
                .hasMessageContaining("refers to file " + dir.resolve("nope.txt") + ", which does not exist");
        assertThatThrownBy(() -> ToolkitSettings.fromMap(Map.of("zk.namespace", "${vault:x}"), "m", interpolator))
                .hasMessageContaining("unknown reference ${vault:x}");
        assertThatThrownBy(() -> ToolkitSettings.fromMap(Map.of("zk.namespace", "${env:X"), "m", interpolator))
                .hasMessageContaining("unterminated reference");
        assertThat(new Interpolator(k -> null, k -> null, null).resolve("cost: $${env:X}")).isEqualTo("cost: ${env:X}");
    }

    @Test
    void missingFileNamesThePathAndWorkingDirectory() {
        Path missing = dir.resolve("nope.properties");
        assertThatThrownBy(() -> ToolkitSettings.load(missing))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist")
                .hasMessageContaining("working directory");
    }

    @Test
    void directoryInsteadOfFileIsRejected() {
        assertThatThrownBy(() -> ToolkitSettings.load(dir))
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("is a directory");
    }

    @Test
    void nonUtf8FileNamesTheLine() throws Exception {
        Path file = dir.resolve("latin1.properties");
        Files.write(file, "zk.connect=embedded\nzk.namespace=caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> ToolkitSettings.load(file))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not valid UTF-8 (first bad byte on line 2)");
    }

    @Test
    void malformedEscapeAndDuplicateKeysAreRejected() throws Exception {
        Path bad = write("escape.properties", "zk.namespace=a\\u12zz\n");
        assertThatThrownBy(() -> ToolkitSettings.load(bad))
                .hasMessageContaining(bad.toString()).hasMessageContaining("malformed");
        Path dup = write("dup.properties", "zk.connect=a:1\nzk.connect=b:2\n");
        assertThatThrownBy(() -> ToolkitSettings.load(dup))
                .hasMessageContaining(dup.toString())
                .hasMessageContaining("zk.connect: the key is set more than once");
    }

    @Test
    void truncatedFileIsReadAsFarAsItGoesAndValidated() throws Exception {
        Path file = write("cut.properties", "zk.connect=zk1:2181\nzk.session.tim");
        assertThatThrownBy(() -> ToolkitSettings.load(file))
                .hasMessageContaining("zk.session.tim: unknown key; did you mean zk.session.timeout?");
    }

    private static Interpolator plain() {
        return new Interpolator(k -> null, k -> null, null);
    }

    private static ToolkitSettings parse(String key, String value) {
        return ToolkitSettings.fromMap(Map.of(key, value), "test", plain());
    }

    private Path emptyStore(String name, String type, String password) throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance(type);
        store.load(null, null);
        Path file = dir.resolve(name);
        try (var out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
        return file;
    }
}
