package io.zktoolkit.sync.sqoop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * The file-system side of a checkpointed import: each run writes into
 * {@code <target>/_pending/<runId>}, and only a run the checkpoint names is moved into the target.
 *
 * <p>A publish moves the run's {@code part-*} files one by one to {@code <target>/<runId>-<name>},
 * then deletes the pending folder. The names are fixed by the run, and a rename either happened or
 * did not, so a publish cut short by a crash is finished by the next one, and two publishers of
 * the same run (a holder that lost its lock after committing, and the next holder recovering it)
 * each move what is still there. This rests on an atomic rename within one file system, which
 * HDFS and a local file system have and object stores do not. Hadoop skips names starting with
 * {@code _} when reading a folder, so readers of the target never see pending output.
 */
final class PendingOutput {
    /** The folder, under the target, holding runs not yet published. */
    static final String PENDING = "_pending";

    private final FileSystem fs;
    private final Path target;
    private final Configuration conf;

    PendingOutput(Path target, Configuration conf) {
        this.conf = conf;
        try {
            this.fs = target.getFileSystem(conf);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot reach the file system of import target " + target, e);
        }
        this.target = fs.makeQualified(target);
    }

    Path target() {
        return target;
    }

    /** Where a run writes its output. */
    Path dir(String runId) {
        return new Path(new Path(target, PENDING), runId);
    }

    /** Runs with a pending folder, in name order. */
    List<String> pendingRuns() throws IOException {
        Path pending = new Path(target, PENDING);
        if (!fs.exists(pending)) {
            return List.of();
        }
        return Arrays.stream(fs.listStatus(pending)).filter(FileStatus::isDirectory)
                .map(s -> s.getPath().getName()).sorted().toList();
    }

    /**
     * Publishes every pending run in {@code committed} and deletes every other pending run.
     *
     * @return the runs published and the runs deleted
     */
    Recovery recover(Set<String> committed) throws IOException {
        List<String> published = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (String run : pendingRuns()) {
            if (committed.contains(run)) {
                publish(run);
                published.add(run);
            } else {
                discard(run);
                deleted.add(run);
            }
        }
        return new Recovery(published, deleted);
    }

    /** Runs published and runs deleted by {@link #recover}. */
    record Recovery(List<String> published, List<String> deleted) {
    }

    /** Moves the run's files into the target; finishes a publish that was cut short; does nothing for a published run. */
    void publish(String runId) throws IOException {
        Path dir = dir(runId);
        if (!fs.exists(dir)) {
            return;
        }
        fs.mkdirs(target);
        for (FileStatus part : parts(dir)) {
            Path from = part.getPath();
            Path to = publishedName(runId, from.getName());
            if (fs.rename(from, to)) {
                continue;
            }
            boolean fromLeft = fs.exists(from);
            boolean toThere = fs.exists(to);
            if (!fromLeft && toThere) {
                continue; // another publisher of the same run moved it first
            }
            throw new IOException("Cannot publish " + from + " as " + to + " (source " + (fromLeft ? "present" : "gone")
                    + ", destination " + (toThere ? "present" : "absent") + "); the run stays pending and the next"
                    + " run retries the publish");
        }
        fs.delete(dir, true);
    }

    /** The name a run's file takes in the target: the run id first, the file's own name (and extension) after. */
    Path publishedName(String runId, String partName) {
        return new Path(target, runId + "-" + partName);
    }

    /** Deletes a run's pending output, if any. */
    void discard(String runId) throws IOException {
        fs.delete(dir(runId), true);
    }

    /** Records (lines) in the run's pending {@code part-*} files, decompressing by file extension. */
    long records(String runId) throws IOException {
        Path dir = dir(runId);
        if (!fs.exists(dir)) {
            return 0;
        }
        CompressionCodecFactory codecs = new CompressionCodecFactory(conf);
        long lines = 0;
        for (FileStatus part : parts(dir)) {
            CompressionCodec codec = codecs.getCodec(part.getPath());
            try (InputStream raw = fs.open(part.getPath());
                 InputStream in = codec == null ? raw : codec.createInputStream(raw);
                 BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                while (reader.readLine() != null) {
                    lines++;
                }
            }
        }
        return lines;
    }

    private List<FileStatus> parts(Path dir) throws IOException {
        return Arrays.stream(fs.listStatus(dir)).filter(FileStatus::isFile)
                .filter(s -> s.getPath().getName().startsWith("part-"))
                .sorted(Comparator.comparing(s -> s.getPath().getName())).toList();
    }
}
