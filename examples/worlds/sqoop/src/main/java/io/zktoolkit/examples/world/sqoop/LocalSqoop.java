package io.zktoolkit.examples.world.sqoop;

import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;

/** Hadoop in local mode for Sqoop 1.4.7: no cluster, the local file system, mappers as threads. */
final class LocalSqoop {
    private LocalSqoop() {
    }

    /**
     * The Hadoop configuration of a local run.
     *
     * @param work a folder of the run's own, for Hadoop's temporary and staging files
     */
    static Configuration hadoop(Path work) {
        Configuration conf = new Configuration();
        conf.set("mapreduce.framework.name", "local");
        // Hadoop 3: without it every import fails with ClassNotFoundException for the generated table class.
        conf.set("mapreduce.jobtracker.address", "local");
        conf.set("fs.defaultFS", "file:///");
        conf.set("hadoop.tmp.dir", work.resolve("hadoop-tmp").toString());
        // The local runner's staging area does not follow hadoop.tmp.dir: by default it is
        // /tmp/hadoop/mapred/staging, shared by every run on the machine.
        conf.set("mapreduce.jobtracker.staging.root.dir", work.resolve("hadoop-staging").toString());
        // The job client polls for completion every second by default; about 0.8 s saved per job.
        conf.setInt("mapreduce.client.progressmonitor.pollinterval", 50);
        return conf;
    }
}
