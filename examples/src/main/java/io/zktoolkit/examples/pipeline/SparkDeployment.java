package io.zktoolkit.examples.pipeline;

import io.zktoolkit.config.settings.SettingsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where the transform job's Spark application runs and what its executors get: the master URL, the
 * address executors reach the driver at, and {@code spark.jars}. One code path for every cluster
 * manager: local, standalone, YARN and Kubernetes differ only in the master URL and in what is
 * shipped (nothing for {@code local}, where the tasks run in the driver's JVM; otherwise the
 * relocated toolkit bundle and the Spark world's jar).
 *
 * <pre>{@code
 * SparkDeployment spark = SparkDeployment.resolve("spark://master:7077", null, fileKeys, file, World.SPARK::executorJars);
 * TransformJobProcess.builder(jobProperties).deployment(spark).start();
 * }</pre>
 *
 * @param master      the master URL ({@code spark.master})
 * @param driverHost  the address executors reach the driver at ({@code spark.driver.host})
 * @param bindAddress the address the driver listens on ({@code spark.driver.bindAddress})
 * @param jars        {@code spark.jars}: the file's own, then what executors need from the launcher
 */
public record SparkDeployment(String master, String driverHost, String bindAddress, List<Path> jars) {
    public static final String MASTER = "spark.master";
    public static final String DRIVER_HOST = "spark.driver.host";
    public static final String BIND_ADDRESS = "spark.driver.bindAddress";
    public static final String JARS = "spark.jars";
    /** The embedded run's master: two task threads in the driver's JVM. */
    public static final String DEFAULT_MASTER = "local[2]";
    /** The embedded run's driver address: executors on this machine only. */
    public static final String LOOPBACK = "127.0.0.1";
    /** What {@link #checkMaster} accepts, for error messages and help. */
    public static final String VALID_MASTERS = "local, local[N], local[*], local[N,F], spark://HOST:PORT[,HOST:PORT...],"
            + " yarn or k8s://https://HOST:PORT";

    private static final Pattern LOCAL = Pattern.compile("local(\\[\\s*([1-9][0-9]*|\\*)\\s*(,\\s*[0-9]+\\s*)?])?");
    private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[\\s*[1-9][0-9]*\\s*,\\s*[1-9][0-9]*\\s*,\\s*[1-9][0-9]*\\s*]");
    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?:([0-9]{1,5})");
    private static final Pattern K8S = Pattern.compile("k8s://(https?://)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?(/.*)?");

    public SparkDeployment {
        checkMaster(master);
        jars = List.copyOf(jars);
    }

    /** The embedded run: {@value #DEFAULT_MASTER}, the driver on loopback, nothing shipped. */
    public static SparkDeployment embedded() {
        return new SparkDeployment(DEFAULT_MASTER, LOOPBACK, LOOPBACK, List.of());
    }

    /**
     * The deployment a command runs with: an option wins over the settings file's key, which wins
     * over the embedded default. For any master but {@code local}, {@code executorJars} is asked for
     * what executors need and appended to the file's {@code spark.jars}.
     *
     * @param masterOption     {@code --spark-master}, already checked, or null
     * @param driverHostOption {@code --spark-driver-host}, or null
     * @param fileKeys         the settings file's keys ({@code spark.master}, {@code spark.driver.host},
     *                         {@code spark.driver.bindAddress}, {@code spark.jars} are read)
     * @param source           the file, for error messages
     * @throws SettingsException naming the file and {@code spark.master} when the file's master URL is not one
     */
    public static SparkDeployment resolve(String masterOption, String driverHostOption, Map<String, String> fileKeys,
            String source, Supplier<List<Path>> executorJars) {
        String master = masterOption;
        if (master == null) {
            master = value(fileKeys, MASTER).orElse(DEFAULT_MASTER);
            try {
                checkMaster(master);
            } catch (IllegalArgumentException e) {
                throw new SettingsException(source, List.of(new SettingsException.Problem(MASTER, e.getMessage())));
            }
        }
        String driverHost = driverHostOption != null ? driverHostOption.strip() : value(fileKeys, DRIVER_HOST).orElse(LOOPBACK);
        // Spark's own default for the bind address is the driver host; the file may say 0.0.0.0 instead.
        String bindAddress = value(fileKeys, BIND_ADDRESS).orElse(driverHost);
        List<Path> jars = new ArrayList<>();
        value(fileKeys, JARS).ifPresent(listed -> Arrays.stream(listed.split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).map(Path::of).forEach(jars::add));
        if (!isLocal(master)) {
            executorJars.get().stream().filter(j -> !jars.contains(j)).forEach(jars::add);
        }
        return new SparkDeployment(master, driverHost, bindAddress, jars);
    }

    /**
     * Checks a master URL as Spark 4 would parse it.
     *
     * @return {@code url}
     * @throws IllegalArgumentException saying what is wrong and what is valid
     */
    public static String checkMaster(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("is empty; use " + VALID_MASTERS);
        }
        if (LOCAL.matcher(url).matches() || LOCAL_CLUSTER.matcher(url).matches() || url.equals("yarn")
                || K8S.matcher(url).matches() || isStandalone(url)) {
            return url;
        }
        String hint = url.startsWith("spark://") ? " (each master as HOST:PORT, the port 1-65535)"
                : url.startsWith("mesos://") ? " (Spark 4 has no Mesos support)" : "";
        throw new IllegalArgumentException("'" + url + "' is not a Spark master URL" + hint + "; use " + VALID_MASTERS);
    }

    /** Whether tasks run in the driver's JVM ({@code local}, {@code local[N]}...), so that nothing needs shipping. */
    public boolean isLocal() {
        return isLocal(master);
    }

    /** The SparkConf keys this deployment sets, over the job file's own. */
    public Map<String, String> conf() {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put(MASTER, master);
        conf.put(DRIVER_HOST, driverHost);
        conf.put(BIND_ADDRESS, bindAddress);
        if (!jars.isEmpty()) {
            conf.put(JARS, jars.stream().map(p -> p.toAbsolutePath().toString()).collect(Collectors.joining(",")));
        }
        return conf;
    }

    /** One line for the user: the master, the driver's address and what is shipped. */
    public String describe() {
        return "Spark master " + master + ", driver at " + driverHost
                + (jars.isEmpty() ? "" : ", shipping " + jars.stream().map(p -> p.getFileName().toString())
                        .collect(Collectors.joining(", ")) + " in spark.jars");
    }

    /**
     * A warning when executors elsewhere could not reach this driver: a cluster master on another
     * host (or YARN, Kubernetes) with the driver on loopback.
     */
    public Optional<String> unreachableDriverWarning() {
        boolean loopbackDriver = driverHost.equals(LOOPBACK) || driverHost.equals("localhost");
        boolean remoteMaster = !isLocal() && !master.startsWith("spark://127.") && !master.startsWith("spark://localhost:")
                && !master.startsWith("local-cluster[");
        return loopbackDriver && remoteMaster
                ? Optional.of("warning: the driver is on " + driverHost + ", which executors on other machines cannot"
                        + " reach; give --spark-driver-host (or " + DRIVER_HOST + ") an address they can")
                : Optional.empty();
    }

    private static boolean isLocal(String master) {
        return LOCAL.matcher(master).matches();
    }

    private static boolean isStandalone(String url) {
        if (!url.startsWith("spark://") || url.length() == "spark://".length()) {
            return false;
        }
        for (String hostPort : url.substring("spark://".length()).split(",", -1)) {
            var m = HOST_PORT.matcher(hostPort.strip());
            if (!m.matches()) {
                return false;
            }
            int port = Integer.parseInt(m.group(2));
            if (port < 1 || port > 65535) {
                return false;
            }
        }
        return true;
    }

    private static Optional<String> value(Map<String, String> keys, String key) {
        return Optional.ofNullable(keys.get(key)).map(String::strip).filter(s -> !s.isEmpty());
    }
}
