package io.zktoolkit.it.sqoop;

import io.zktoolkit.config.live.ConfigUpdate;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.sqoop.Sqoop;

/** Sqoop 1.4.7 in this JVM, on Hadoop in local mode: no cluster, the local file system, mappers as threads. */
final class SqoopLocal {
    private SqoopLocal() {
    }

    /**
     * The Hadoop configuration of a local run.
     *
     * @param work a folder of the test's own, for Hadoop's temporary and staging files
     */
    static Configuration localHadoop(Path work) {
        Configuration conf = new Configuration();
        conf.set("mapreduce.framework.name", "local");
        // Hadoop 3: without it every import fails with ClassNotFoundException for the generated table class.
        conf.set("mapreduce.jobtracker.address", "local");
        conf.set("fs.defaultFS", "file:///");
        conf.set("hadoop.tmp.dir", work.resolve("hadoop-tmp").toString());
        // The local runner's staging area (job.xml, the generated jar, Sqoop's jars) does not
        // follow hadoop.tmp.dir: by default it is /tmp/hadoop/mapred/staging, shared by every run.
        conf.set("mapreduce.jobtracker.staging.root.dir", work.resolve("hadoop-staging").toString());
        // The job client polls for completion every second by default; about 0.8 s saved per job.
        conf.setInt("mapreduce.client.progressmonitor.pollinterval", 50);
        return conf;
    }

    /** Runs {@code args} (tool name first) and returns Sqoop's exit code. */
    static int run(String[] args, Path work) {
        return Sqoop.runTool(args, localHadoop(work));
    }

    /**
     * Sets the keys that keep every file Sqoop writes under {@code work}: generated sources
     * ({@code --outdir}), compiled classes and jar ({@code --bindir}) and its {@code _sqoop}
     * temporary folder ({@code --temporary-rootdir}); without them they land in the working directory.
     */
    static ConfigUpdate withWorkDirs(ConfigUpdate update, Path work) {
        return update.set("sqoop.outdir", work.resolve("generated-src").toString())
                .set("sqoop.bindir", work.resolve("generated-bin").toString())
                .set("sqoop.temporary.rootdir", work.resolve("sqoop-tmp").toString());
    }
}
