package io.zktoolkit.it.sqoop;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.it.sqoop.IncrementalTable.Version;
import io.zktoolkit.locks.sqoop.SqoopImportGuard;
import io.zktoolkit.sync.sqoop.CheckpointedImport;
import io.zktoolkit.sync.sqoop.ImportPhaseListener;
import io.zktoolkit.sync.sqoop.IncrementalMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.sqoop.Sqoop;
import com.cloudera.sqoop.SqoopOptions;
import com.cloudera.sqoop.tool.ImportTool;

/**
 * What the incremental-import tests, their child JVM and the benchmark world share: the Sqoop
 * arguments of an import of one table from the source, the toolkit's import built on them, the
 * same import done the plain way (Sqoop's --last-value kept by the caller), and a reader of what
 * landed in a target folder.
 */
final class IncrementalImports {
    private IncrementalImports() {
    }

    /** Everything an import needs to reach the source and keep Sqoop's files under {@code work}. */
    record Source(String jdbcUrl, Path passwordFile, String zkConnect) {
    }

    /** Import arguments without target or incremental options: one mapper, tab-separated text. */
    static List<String> arguments(Source source, String table, Path work) {
        return List.of("import", "--connect", source.jdbcUrl(), "--username", SourceDatabase.READER,
                "--password-file", source.passwordFile().toUri().toString(), "--table", table,
                "--num-mappers", "1", "--fields-terminated-by", "\\t",
                "--bindir", work.resolve("bin").toString(), "--outdir", work.resolve("src").toString(),
                "--temporary-rootdir", work.resolve("sqoop-tmp").toString());
    }

    /** The toolkit's import of {@code table} into {@code target}. */
    static CheckpointedImport checkpointed(ToolkitClient zk, Source source, String table, IncrementalMode mode, String column,
            Path target, Path work, ImportPhaseListener listener) {
        return CheckpointedImport.builder(zk, SqoopImportGuard.forSource(zk, source.jdbcUrl(), 4))
                .sqoopArguments(arguments(source, table, work))
                .mode(mode).checkColumn(column)
                .targetDir(target.toUri().toString())
                .hadoopConfiguration(SqoopLocal.localHadoop(work))
                .phaseListener(listener)
                .build();
    }

    /**
     * The plain way: Sqoop's incremental import straight into {@code target} with the last value
     * read from {@code lastValueFile}, saved there after Sqoop returned 0.
     *
     * @param afterSqoop runs between Sqoop's return and the save (where a crash loses the save)
     * @return Sqoop's exit code
     */
    static int plain(Source source, String table, IncrementalMode mode, String column, Path target, Path work,
            Path lastValueFile, Runnable afterSqoop) throws IOException {
        List<String> args = new ArrayList<>(arguments(source, table, work).subList(1, arguments(source, table, work).size()));
        args.addAll(List.of("--incremental", mode.sqoopName(), "--check-column", column, "--target-dir", target.toString()));
        if (mode == IncrementalMode.LASTMODIFIED) {
            args.add("--append");
        }
        if (Files.exists(lastValueFile)) {
            args.addAll(List.of("--last-value", Files.readString(lastValueFile).trim()));
        }
        SqoopOptions options = new SqoopOptions(SqoopLocal.localHadoop(work));
        int rc = Sqoop.runSqoop(new com.cloudera.sqoop.Sqoop(new ImportTool(), SqoopLocal.localHadoop(work), options),
                args.toArray(String[]::new));
        afterSqoop.run();
        if (rc == 0 && options.getIncrementalLastValue() != null) {
            Files.writeString(lastValueFile, options.getIncrementalLastValue());
        }
        return rc;
    }

    /** The row versions in the target's visible files (Hadoop skips names starting with _ or .), in file order. */
    static List<Version> landed(Path target) {
        if (!Files.isDirectory(target)) {
            return List.of();
        }
        List<Version> versions = new ArrayList<>();
        try (Stream<Path> files = Files.list(target)) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> {
                String n = f.getFileName().toString();
                return !n.startsWith("_") && !n.startsWith(".");
            }).sorted().toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String[] fields = line.split("\t", -1);
                    versions.add(new Version(Long.parseLong(fields[0]), Timestamp.valueOf(fields[2])));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return versions;
    }
}
