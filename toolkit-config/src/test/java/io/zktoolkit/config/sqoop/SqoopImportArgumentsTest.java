package io.zktoolkit.config.sqoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.live.ConfigUpdate;
import io.zktoolkit.config.live.ConfigValueException;
import io.zktoolkit.config.live.SecretCodec;
import io.zktoolkit.config.settings.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Argument building from a real stored set; the real Sqoop import runs in src-it/sqoop-it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SqoopImportArgumentsTest {
    private static ToolkitClient zk;
    private static final SecretCodec CODEC = SecretCodec.fromBase64(SecretCodec.generateKey());

    @TempDir
    Path dir;

    @BeforeAll
    static void connect() {
        zk = ToolkitClient.open(ToolkitSettings.defaults());
    }

    @AfterAll
    static void close() {
        zk.close();
    }

    private ConfigSnapshot publish(String set, java.util.function.UnaryOperator<ConfigUpdate> changes) {
        ConfigStore store = ConfigStore.builder(zk).secretCodec(CODEC).build();
        return store.publish(changes.apply(ConfigUpdate.on(store.read(set))));
    }

    @Test
    void keysBecomeOptionsAndThePasswordOnlyAFileReference() throws Exception {
        ConfigSnapshot set = publish("sqoop/orders", u -> u
                .set("sqoop.connect", "jdbc:postgresql://db:5432/shop")
                .set("sqoop.table", "orders")
                .set("sqoop.split.by", "id")
                .set("sqoop.num.mappers", "4")
                .set("sqoop.fields.terminated.by", "\\t")
                .set("sqoop.username", "etl")
                .set("sqoop.direct", "false")
                .set("sqoop.delete.target.dir", "true")
                .set("other.key", "ignored")
                .setSecret("sqoop.password", Secret.of("s3cr3t-pw")));
        Path passwordFile;
        try (SqoopImportArguments args = SqoopImportArguments.build(set, CODEC, dir)) {
            assertThat(args.arguments()).containsExactly("import",
                    "--connect", "jdbc:postgresql://db:5432/shop",
                    "--delete-target-dir",
                    "--fields-terminated-by", "\\t",
                    "--num-mappers", "4",
                    "--split-by", "id",
                    "--table", "orders",
                    "--username", "etl",
                    "--password-file", args.passwordFile().orElseThrow().toUri().toString());
            assertThat(args.toString()).doesNotContain("s3cr3t-pw");
            passwordFile = args.passwordFile().orElseThrow();
            assertThat(Files.readString(passwordFile)).isEqualTo("s3cr3t-pw");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
        }
        assertThat(passwordFile).doesNotExist();
    }

    @Test
    void typosMissingKeysBadFlagsAndPlainPasswordsAreRejectedTogether() {
        ConfigSnapshot set = publish("sqoop/bad", u -> u
                .set("sqoop.split.bye", "id")
                .set("sqoop.direct", "yes")
                .set("sqoop.password", "plain"));
        assertThatThrownBy(() -> SqoopImportArguments.build(set, CODEC, dir))
                .isInstanceOf(ConfigValueException.class)
                .hasMessageContaining("configuration set sqoop/bad v1")
                .hasMessageContaining("sqoop.split.bye: not a Sqoop import option; did you mean sqoop.split.by?")
                .hasMessageContaining("sqoop.direct: value 'yes': expected true or false")
                .hasMessageContaining("sqoop.connect: is required")
                .hasMessageContaining("sqoop.table: is required unless sqoop.query is set")
                .hasMessageContaining("sqoop.password: is stored in plain text")
                .hasMessageNotContaining("plain\n");
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void aSecretPasswordNeedsTheCodec() {
        ConfigSnapshot set = publish("sqoop/nocodec", u -> u.set("sqoop.connect", "jdbc:x").set("sqoop.table", "t")
                .setSecret("sqoop.password", Secret.of("pw")));
        assertThatThrownBy(() -> SqoopImportArguments.build(set, null, dir))
                .hasMessageContaining("sqoop.password in configuration set sqoop/nocodec v1 is secret");
    }
}
