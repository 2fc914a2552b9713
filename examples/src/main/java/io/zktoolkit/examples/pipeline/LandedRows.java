package io.zktoolkit.examples.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What landed in a Sqoop target folder, read without Hadoop: for the pipeline's every-row-once check. */
public final class LandedRows {
    private LandedRows() {
    }

    /**
     * The ids (first field) of every row in the folder's visible files, sorted, duplicates kept.
     * Files whose names start with {@code _} or {@code .} are skipped as Hadoop skips them
     * ({@code _SUCCESS}, the toolkit's {@code _pending} output of uncommitted runs, checksums).
     * An absent folder holds no rows.
     *
     * @param tableDir a local target folder of tab- or comma-separated text
     */
    public static List<Long> ids(Path tableDir) {
        if (!Files.isDirectory(tableDir)) {
            return List.of();
        }
        List<Long> ids = new ArrayList<>();
        try (Stream<Path> files = Files.list(tableDir)) {
            for (Path file : files.filter(Files::isRegularFile).filter(LandedRows::visible).toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isEmpty()) {
                        ids.add(Long.parseLong(line.split("[\t,]", 2)[0]));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + tableDir, e);
        }
        ids.sort(null);
        return ids;
    }

    private static boolean visible(Path file) {
        String name = file.getFileName().toString();
        return !name.startsWith("_") && !name.startsWith(".");
    }
}
