package io.zktoolkit.it.sparkcluster;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.spark.ExecutorClients;
import io.zktoolkit.locks.spark.PortableSettings;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.SparkEnv;

/**
 * A task that reports, from its executor, where the toolkit's classes were loaded from and that
 * the executor's shared client works: one line per task,
 * {@code executor|pid|class path|ToolkitClient's jar|curator class|znode created}.
 */
public final class WhereTheToolkitComesFrom implements FlatMapFunction<Iterator<Integer>, String> {
    private static final long serialVersionUID = 1L;

    private final PortableSettings settings;
    private final String parent;

    public WhereTheToolkitComesFrom(PortableSettings settings, String parent) {
        this.settings = settings;
        this.parent = parent;
    }

    @Override
    public Iterator<String> call(Iterator<Integer> rows) throws Exception {
        ToolkitClient zk = ExecutorClients.client(settings);
        String executor = SparkEnv.get().executorId();
        String created = zk.curator().create().creatingParentsIfNeeded()
                .forPath(parent + "/executor-" + executor + "-" + ProcessHandle.current().pid());
        String line = String.join("|", executor, Long.toString(ProcessHandle.current().pid()),
                System.getProperty("java.class.path"),
                ToolkitClient.class.getProtectionDomain().getCodeSource().getLocation().toString(),
                zk.curator().getClass().getName(), created);
        return List.of(line).iterator();
    }
}
