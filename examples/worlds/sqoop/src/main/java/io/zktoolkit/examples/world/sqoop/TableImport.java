package io.zktoolkit.examples.world.sqoop;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.sqoop.SqoopImportGuard;
import io.zktoolkit.sync.sqoop.CheckpointedImport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Sqoop side of one table's checkpointed import, shared by the import workers and the
 * {@code sqoop-import} command: the source's connection, the tuning (mappers, fetch size, the
 * source's mapper cap) and the folders Sqoop writes its generated code and Hadoop its temporary files in.
 *
 * @param jdbcUrl the source, without credentials
 * @param username the login role
 * @param passwordFile the owner-only file holding its password (Sqoop reads it, never the command line)
 * @param mappers Sqoop's --num-mappers; more than one splits on {@code splitBy}
 * @param splitBy the column mappers split on (needed when {@code mappers > 1})
 * @param fetchSize Sqoop's --fetch-size, or 0 for the driver's default
 * @param sourceMaxMappers the most mappers all imports may hold on this source at once (the guard's cap)
 */
record TableImport(String jdbcUrl, String username, Path passwordFile, int mappers, String splitBy, int fetchSize,
        int sourceMaxMappers) {

    /** Sqoop's import arguments for {@code table}, without the incremental and target options the import adds. */
    List<String> arguments(String table, Path work) {
        List<String> args = new ArrayList<>(List.of("import", "--connect", jdbcUrl, "--username", username,
                "--password-file", passwordFile.toUri().toString(), "--table", table,
                "--num-mappers", Integer.toString(mappers),
                // Tab-separated text: the default comma breaks on values holding commas.
                "--fields-terminated-by", "\\t",
                "--bindir", work.resolve("bin").toString(), "--outdir", work.resolve("src").toString(),
                "--temporary-rootdir", work.resolve("sqoop-tmp").toString()));
        if (mappers > 1) {
            args.addAll(List.of("--split-by", splitBy));
        }
        if (fetchSize > 0) {
            args.addAll(List.of("--fetch-size", Integer.toString(fetchSize)));
        }
        return args;
    }

    /** The source's guard: per-table locks and the mapper cap. */
    SqoopImportGuard guard(ToolkitClient zk) {
        return SqoopImportGuard.forSource(zk, jdbcUrl, sourceMaxMappers);
    }

    /**
     * The builder of a checkpointed import of {@code table} under the source's guard; the caller
     * adds mode, check column and target.
     */
    CheckpointedImport.Builder builder(ToolkitClient zk, String table, Path work) {
        return CheckpointedImport.builder(zk, guard(zk))
                .sqoopArguments(arguments(table, work.resolve(table)))
                .hadoopConfiguration(LocalSqoop.hadoop(work.resolve(table)));
    }
}
