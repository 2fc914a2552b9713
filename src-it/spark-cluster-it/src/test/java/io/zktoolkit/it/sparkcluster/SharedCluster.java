package io.zktoolkit.it.sparkcluster;

import io.zktoolkit.it.harness.ProcessEnsemble;
import io.zktoolkit.it.harness.SparkStandaloneCluster;
import io.zktoolkit.locks.spark.PortableSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One 3-server ZooKeeper ensemble of server processes and one standalone cluster (Master and
 * {@value #WORKERS} one-core Workers) shared by the test classes of this Failsafe JVM (Failsafe's
 * default: one fork, reused for every class), so that the module pays one start of both (about
 * 20 s, side by side) rather than one per class.
 *
 * <p>A class registers this extension ({@code @ExtendWith(SharedCluster.class)}) and takes a
 * {@link Fixture} parameter in its {@code @BeforeAll} method. Both are started on the first
 * request and live in the root context's store: stopped when the whole run ends, not when a class
 * ends.
 *
 * <p>What sharing asks of a class: ZooKeeper paths in a namespace of its own
 * ({@link Fixture#zkSettings}), files in a scratch folder of its own ({@link #scratch}), its
 * application stopped in {@code @AfterAll} through {@link Fixture#stop} (which waits for its
 * executors to exit, so that the next class finds both Workers' cores free), a ZooKeeper server it
 * kills restarted in a {@code finally}, and signals only to its own application's executors, never
 * to the Master or a Worker. As a safety net, the hand-out restarts any server found stopped and
 * kills any executor a previous application left.
 */
final class SharedCluster implements ParameterResolver {
    /** Workers of the shared cluster, one core and one executor per application each. */
    static final int WORKERS = 2;

    private static final Logger LOG = LoggerFactory.getLogger(SharedCluster.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedCluster.class);
    private static final Path SCRATCH = Path.of(System.getProperty("sparkcluster.scratch", "target/cluster-scratch"))
            .toAbsolutePath();
    /** How long a stopped application's executors may take to exit before they are killed. */
    private static final Duration EXECUTORS_EXIT = Duration.ofSeconds(30);

    /** A test class's own scratch folder ({@code cluster-scratch-<name>} beside the build's), never the cluster's. */
    static Path scratch(String name) {
        return SCRATCH.resolveSibling("cluster-scratch-" + name);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Fixture.class;
    }

    @Override
    public Fixture resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Shared.class).alive();
    }

    /**
     * The shared ensemble and cluster as one class receives them: every ZooKeeper server running,
     * no executor of an earlier application left.
     *
     * @param folder the cluster's scratch folder: its Workers' work folders, where executors fetch {@code spark.jars}
     */
    record Fixture(ProcessEnsemble ensemble, SparkStandaloneCluster cluster, ClusterJars jars, Path folder) {

        /** Settings of the ensemble for a class's clients: {@code namespace} the class's alone. */
        PortableSettings zkSettings(String namespace, String sessionTimeout) {
            return PortableSettings.of(Map.of("zk.connect", ensemble.connectString(),
                    "zk.session.timeout", sessionTimeout, "zk.namespace", namespace));
        }

        /** An in-process driver's settings on this cluster: the bundle and the application jar in {@code spark.jars}. */
        SparkConf driverConf(String appName) {
            SparkConf conf = new SparkConf(false).setAppName(appName);
            jars.driverConf(cluster).forEach(conf::set);
            return conf;
        }

        /** Starts the driver and returns once one executor per Worker has registered. */
        SparkSession startDriver(SparkConf conf) {
            return startDriver(conf, sc -> {
            });
        }

        /**
         * Starts the driver, lets {@code beforeExecutors} install what must hear the executors
         * register, and returns once one executor per Worker has.
         */
        SparkSession startDriver(SparkConf conf, Consumer<SparkContext> beforeExecutors) {
            SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
            beforeExecutors.accept(spark.sparkContext());
            ClusterJars.awaitExecutors(spark.sparkContext(), WORKERS);
            return spark;
        }

        /**
         * A class's end: stops {@code spark} (when started), waits until its executors have
         * exited, closes {@code clients} in order (nulls skipped) and deletes {@code scratch}; all
         * of it whatever fails first.
         */
        void stop(SparkSession spark, Path scratch, AutoCloseable... clients) throws Exception {
            Exception failure = null;
            try {
                if (spark != null) {
                    spark.stop();
                }
            } catch (RuntimeException e) {
                failure = e;
            }
            try {
                awaitExecutorsExited();
            } catch (RuntimeException e) {
                failure = accumulate(failure, e);
            }
            for (AutoCloseable client : clients) {
                try {
                    if (client != null) {
                        client.close();
                    }
                } catch (Exception e) {
                    failure = accumulate(failure, e);
                }
            }
            try {
                SparkStandaloneCluster.deleteRecursively(scratch);
            } catch (IOException e) {
                failure = accumulate(failure, e);
            }
            if (failure != null) {
                throw failure;
            }
        }

        private static Exception accumulate(Exception first, Exception next) {
            if (first == null) {
                return next;
            }
            first.addSuppressed(next);
            return first;
        }

        /**
         * Waits until the cluster runs no executor, the applications that had them having ended;
         * kills, with a warning, any executor still alive 30 s on.
         */
        void awaitExecutorsExited() {
            long end = System.nanoTime() + EXECUTORS_EXIT.toNanos();
            while (!cluster.executors().isEmpty() && System.nanoTime() - end < 0) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted waiting for the executors to exit", e);
                }
            }
            for (ProcessHandle executor : cluster.executors()) {
                LOG.warn("Executor {} outlived its application by {} s; killing it", executor.pid(), EXECUTORS_EXIT.toSeconds());
                executor.destroyForcibly();
                executor.onExit().orTimeout(20, TimeUnit.SECONDS).join();
            }
        }
    }

    /** The ensemble and the cluster, started on first use; JUnit closes them with the root context. */
    static final class Shared implements ExtensionContext.Store.CloseableResource {
        private final ClusterJars jars = ClusterJars.fromBuild();
        private final Path folder = scratch("shared");
        private ProcessEnsemble ensemble;
        private SparkStandaloneCluster cluster;

        synchronized Fixture alive() {
            if (ensemble == null) {
                start();
            } else if (IntStream.range(0, ensemble.size()).anyMatch(i -> !ensemble.isRunning(i))) {
                LOG.warn("A class left a ZooKeeper server stopped; restarting it");
                ensemble.restartAll();
            }
            Fixture fixture = new Fixture(ensemble, cluster, jars, folder);
            fixture.awaitExecutorsExited();
            return fixture;
        }

        /** Both at once: nothing needs ZooKeeper before the first class's driver runs. */
        private void start() {
            long started = System.nanoTime();
            CompletableFuture<ProcessEnsemble> ensembleStarting =
                    CompletableFuture.supplyAsync(() -> ProcessEnsemble.start(ProcessEnsemble.DEFAULT_SERVERS));
            SparkStandaloneCluster startedCluster;
            try {
                startedCluster = jars.startCluster(folder, WORKERS);
            } catch (RuntimeException | Error e) {
                // The ensemble is not left running unowned.
                try {
                    ensembleStarting.join().close();
                } catch (RuntimeException ensembleFailure) {
                    e.addSuppressed(ensembleFailure);
                }
                throw e;
            }
            try {
                ensemble = ensembleStarting.join();
            } catch (CompletionException e) {
                startedCluster.close();
                if (e.getCause() instanceof Error error) {
                    throw error; // ProcessEnsemble reports a quorum that did not form as an AssertionError
                }
                throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
            }
            cluster = startedCluster;
            LOG.info("Shared ensemble and cluster ready in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }

        @Override
        public synchronized void close() {
            try {
                if (cluster != null) {
                    cluster.close();
                }
            } finally {
                if (ensemble != null) {
                    ensemble.close();
                }
            }
        }
    }
}
