package io.zktoolkit.locks.spark;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ZooKeeperUnavailableException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ZooKeeper clients of this JVM's Spark tasks: one per distinct {@link PortableSettings},
 * opened by the first task that needs it and shared by every later task, closed when the JVM
 * exits. Driver-side code that Spark builds from its conf alone (a listener in
 * {@code spark.extraListeners}) shares them the same way, with {@link PortableSettings#fromSparkConf}.
 *
 * <p>Why shared: an executor runs thousands of tasks, several at once. A client per task would
 * pay a connection and a new session each time and load the ensemble with short sessions. Why
 * closed by a shutdown hook: a plain Spark job has no executor-shutdown callback, and closing the
 * session deletes its ephemeral lock nodes at once instead of after the session timeout.
 *
 * <p>Never close a client obtained here: other tasks are using it. A client that was closed
 * anyway is replaced by a new one on the next call. Thread-safe.
 */
public final class ExecutorClients {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorClients.class);
    private static final Map<PortableSettings, ToolkitClient> OPEN = new HashMap<>();
    private static boolean closeOnExit;

    private ExecutorClients() {
    }

    /**
     * The shared client for {@code settings}, connecting on first use. A failed connection is
     * not remembered: the next task tries again.
     *
     * @throws ZooKeeperUnavailableException naming the connect string, when the ensemble cannot
     *         be reached within {@code zk.connection.timeout}
     */
    public static synchronized ToolkitClient client(PortableSettings settings) {
        ToolkitClient client = OPEN.get(settings);
        if (client != null && client.state() == ToolkitClient.State.STARTED) {
            return client;
        }
        // Opening blocks for up to the connection timeout while holding the lock: tasks that
        // would otherwise race to open duplicate sessions wait for this one instead.
        client = ToolkitClient.open(settings.toSettings());
        OPEN.put(settings, client);
        if (!closeOnExit) {
            Runtime.getRuntime().addShutdownHook(new Thread(ExecutorClients::closeAll, "zktoolkit-executor-clients-close"));
            closeOnExit = true;
        }
        LOG.info("Opened the shared ZooKeeper client of this JVM for Spark tasks: {}", settings);
        return client;
    }

    /** Closes every shared client; the shutdown hook does this, tests may too. */
    static void closeAll() {
        List<ToolkitClient> closing;
        synchronized (ExecutorClients.class) {
            closing = new ArrayList<>(OPEN.values());
            OPEN.clear();
        }
        for (ToolkitClient client : closing) {
            try {
                client.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing a shared ZooKeeper client failed: {}", e.toString());
            }
        }
    }
}
