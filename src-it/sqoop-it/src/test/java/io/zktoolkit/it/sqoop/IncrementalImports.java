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
        return checkpointedBuilder(zk, source, table, mode, column, target, work).phaseListener(listener).build();
    }

    /** The builder of {@link #checkpointed}, for callers that add options of their own. */
    static CheckpointedImport.Builder checkpointedBuilder(ToolkitClient zk, Source source, String table, IncrementalMode mode,
            String column, Path target, Path work) {
        return CheckpointedImport.builder(zk, SqoopImportGuard.forSource(zk, source.jdbcUrl(), 4))
                .sqoopArguments(arguments(source, table, work))
                .mode(mode).checkColumn(column)
                .targetDir(target.toUri().toString())
                .hadoopConfiguration(SqoopLocal.localHadoop(work));
    }

    /** What a plain Sqoop run returned: its exit code and the last value it moved to. */
    record PlainRun(int rc, String newLastValue) {
    }

    /**
     * The plain way: Sqoop's incremental import straight into {@code target}, after {@code lastValue}
     * (none for a first import), as a job that keeps the last value itself runs it.
     */
    static PlainRun plainRun(Source source, String table, IncrementalMode mode, String column, Path target, Path work,
            String lastValue) {
        List<String> args = new ArrayList<>(arguments(source, table, work));
        args.remove(0);
        args.addAll(List.of("--incremental", mode.sqoopName(), "--check-column", column, "--target-dir", target.toString()));
        if (mode == IncrementalMode.LASTMODIFIED) {
            args.add("--append");
        }
        if (lastValue != null) {
            args.addAll(List.of("--last-value", lastValue));
        }
        SqoopOptions options = new SqoopOptions(SqoopLocal.localHadoop(work));
        int rc = Sqoop.runSqoop(new com.cloudera.sqoop.Sqoop(new ImportTool(), SqoopLocal.localHadoop(work), options),
                args.toArray(String[]::new));
        return new PlainRun(rc, options.getIncrementalLastValue());
    }

    /**
     * {@link #plainRun} with the last value kept in {@code lastValueFile}, saved there after Sqoop
     * returned 0.
     *
     * @param afterSqoop runs between Sqoop's return and the save (where a crash loses the save)
     * @return Sqoop's exit code
     */
    static int plain(Source source, String table, IncrementalMode mode, String column, Path target, Path work,
            Path lastValueFile, Runnable afterSqoop) throws IOException {
        return plain(source, table, mode, column, target, work, lastValueFile, read -> {
        }, afterSqoop);
    }

    /**
     * {@link #plain(Source, String, IncrementalMode, String, Path, Path, Path, Runnable)}, telling
     * {@code afterRead} the last value it read (null for none) before Sqoop starts.
     */
    static int plain(Source source, String table, IncrementalMode mode, String column, Path target, Path work,
            Path lastValueFile, java.util.function.Consumer<String> afterRead, Runnable afterSqoop) throws IOException {
        String lastValue = Files.exists(lastValueFile) ? Files.readString(lastValueFile).trim() : null;
        afterRead.accept(lastValue);
        PlainRun run = plainRun(source, table, mode, column, target, work, lastValue);
        afterSqoop.run();
        if (run.rc() == 0 && run.newLastValue() != null) {
            Files.writeString(lastValueFile, run.newLastValue());
        }
        return run.rc();
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
