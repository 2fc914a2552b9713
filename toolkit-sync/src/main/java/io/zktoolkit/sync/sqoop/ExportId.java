package io.zktoolkit.sync.sqoop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * What makes two exports "the same": the target table and the input directory's data files
 * (relative names, sizes and SHA-256 of their content), hashed with SHA-256. Files and folders
 * whose names start with {@code _} or {@code .} are skipped, as Hadoop's input formats skip them
 * ({@code _SUCCESS}, {@code .crc}). Every byte of input is read once to compute it.
 *
 * @param digest 64 hex digits
 * @param table the target table
 * @param files how many data files the input holds
 * @param bytes their total size
 */
public record ExportId(String digest, String table, int files, long bytes) {

    /**
     * Hashes {@code exportDir} for an export into {@code table}.
     *
     * @throws IllegalArgumentException when the directory does not exist or holds no data file
     */
    public static ExportId of(Configuration conf, String exportDir, String table) throws IOException {
        Path dir = new Path(exportDir);
        FileSystem fs = dir.getFileSystem(conf);
        if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
            throw new IllegalArgumentException("Export directory " + exportDir + " does not exist or is not a directory");
        }
        Path root = fs.getFileStatus(dir).getPath();
        Map<String, String> lines = new TreeMap<>();
        long bytes = 0;
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        while (it.hasNext()) {
            LocatedFileStatus file = it.next();
            String relative = root.toUri().relativize(file.getPath().toUri()).getPath();
            if (hidden(relative)) {
                continue;
            }
            lines.put(relative, relative + "\t" + file.getLen() + "\t" + contentHash(fs, file.getPath()));
            bytes += file.getLen();
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("Export directory " + exportDir + " holds no data file (names starting"
                    + " with _ or . are not data)");
        }
        MessageDigest all = sha256();
        all.update(("table\t" + table + "\n").getBytes(StandardCharsets.UTF_8));
        for (String line : lines.values()) {
            all.update((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return new ExportId(HexFormat.of().formatHex(all.digest()), table, lines.size(), bytes);
    }

    private static boolean hidden(String relative) {
        for (String part : relative.split("/")) {
            if (part.startsWith("_") || part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String contentHash(FileSystem fs, Path file) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = fs.open(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return table + "@" + digest.substring(0, 16) + " (" + files + " files, " + bytes + " bytes)";
    }
}
