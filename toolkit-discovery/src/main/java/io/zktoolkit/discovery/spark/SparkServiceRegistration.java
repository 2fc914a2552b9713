package io.zktoolkit.discovery.spark;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.discovery.Registration;
import io.zktoolkit.discovery.ServiceEndpoint;
import io.zktoolkit.discovery.ServiceRegistry;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a running Spark application's endpoints (its UI, and any others it serves, such as a
 * Thrift endpoint) in the {@link ServiceRegistry}, one instance per endpoint, and deregisters
 * them when the application ends.
 *
 * <pre>{@code
 * // --conf spark.zktoolkit.discovery.service=nightly-reports
 * // --conf spark.zktoolkit.discovery.endpoints=thrift=edge-3:10001
 * SparkServiceRegistration registration = SparkServiceRegistration.register(zk, spark.sparkContext());
 * }</pre>
 *
 * <p>Each instance carries the attributes {@code endpoint} (its name: {@code ui}, {@code thrift}
 * ...), {@code url} for the UI, and {@code appId}, {@code appName}, {@code user} and
 * {@code sparkVersion}, so a client can pick an application's Thrift endpoint or list every
 * running application's UI. Instances are ephemeral: a driver that dies takes them along.
 */
public final class SparkServiceRegistration implements AutoCloseable {
    /** SparkConf key: the service name the endpoints register under (default {@value #DEFAULT_SERVICE}). */
    public static final String SERVICE_KEY = "spark.zktoolkit.discovery.service";
    /** SparkConf key: extra endpoints, {@code name=host:port} separated by commas. */
    public static final String ENDPOINTS_KEY = "spark.zktoolkit.discovery.endpoints";
    /** The service name unless {@value #SERVICE_KEY} says otherwise. */
    public static final String DEFAULT_SERVICE = "spark-applications";
    private static final Logger LOG = LoggerFactory.getLogger(SparkServiceRegistration.class);

    private final ServiceRegistry registry;
    private final List<Registration> registrations;

    private SparkServiceRegistration(ServiceRegistry registry, List<Registration> registrations) {
        this.registry = registry;
        this.registrations = registrations;
    }

    /**
     * Registers {@code sc}'s UI (when it has one) and the endpoints named in {@value #ENDPOINTS_KEY};
     * they are deregistered when the application ends or {@link #close()} is called.
     *
     * @throws IllegalArgumentException when {@value #ENDPOINTS_KEY} is malformed, naming the entry
     */
    public static SparkServiceRegistration register(ToolkitClient zk, SparkContext sc) {
        SparkConf conf = sc.getConf();
        String service = conf.get(SERVICE_KEY, DEFAULT_SERVICE);
        Map<String, String> common = new LinkedHashMap<>();
        common.put("appId", sc.applicationId());
        common.put("appName", sc.appName());
        common.put("user", sc.sparkUser());
        common.put("sparkVersion", sc.version());

        List<ServiceEndpoint> endpoints = new ArrayList<>();
        if (sc.uiWebUrl().isDefined()) {
            URI ui = URI.create(sc.uiWebUrl().get());
            endpoints.add(endpoint(service, sc.applicationId(), "ui", ui.getHost(), ui.getPort(), common)
                    .attribute("url", ui.toString()).build());
        }
        for (String entry : conf.get(ENDPOINTS_KEY, "").split(",")) {
            if (!entry.isBlank()) {
                endpoints.add(parse(service, sc.applicationId(), entry.trim(), common));
            }
        }
        ServiceRegistry registry = ServiceRegistry.create(zk);
        registry.start();
        List<Registration> registrations = new ArrayList<>();
        try {
            endpoints.forEach(e -> registrations.add(registry.register(e)));
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        SparkServiceRegistration registration = new SparkServiceRegistration(registry, registrations);
        sc.addSparkListener(new SparkListener() {
            @Override
            public void onApplicationEnd(SparkListenerApplicationEnd end) {
                registration.close();
            }
        });
        return registration;
    }

    private static ServiceEndpoint parse(String service, String appId, String entry, Map<String, String> common) {
        int eq = entry.indexOf('=');
        int colon = entry.lastIndexOf(':');
        if (eq <= 0 || colon < eq + 2 || colon == entry.length() - 1) {
            throw new IllegalArgumentException("Invalid entry '" + entry + "' in " + ENDPOINTS_KEY
                    + ": expected name=host:port, for example thrift=edge-3:10001");
        }
        int port;
        try {
            port = Integer.parseInt(entry.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid port in entry '" + entry + "' of " + ENDPOINTS_KEY
                    + ": expected a number from 1 to 65535");
        }
        return endpoint(service, appId, entry.substring(0, eq), entry.substring(eq + 1, colon), port, common).build();
    }

    private static ServiceEndpoint.Builder endpoint(String service, String appId, String name, String host, int port,
                                                    Map<String, String> common) {
        ServiceEndpoint.Builder builder = ServiceEndpoint.builder(service).id(appId + "-" + name).address(host).port(port)
                .attribute("endpoint", name);
        common.forEach(builder::attribute);
        return builder;
    }

    /** The endpoints registered. */
    public List<ServiceEndpoint> endpoints() {
        return registrations.stream().map(Registration::endpoint).toList();
    }

    /** Deregisters every endpoint. Safe to call more than once. */
    @Override
    public synchronized void close() {
        if (registry.state() == ServiceRegistry.State.CLOSED) {
            return;
        }
        registrations.forEach(Registration::close);
        registry.close();
        LOG.info("Deregistered {} Spark endpoint(s)", registrations.size());
    }
}
