package io.zktoolkit.it.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.discovery.SelectionStrategy;
import io.zktoolkit.discovery.ServiceEndpoint;
import io.zktoolkit.discovery.ServiceRegistry;
import io.zktoolkit.discovery.ServiceView;
import io.zktoolkit.discovery.spark.SparkServiceRegistration;
import io.zktoolkit.it.harness.InJvmQuorum;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real local Spark driver registers its UI and a named endpoint; another client finds them in
 * the registry, reaches the UI at the registered address, and sees them go when the application
 * stops.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SparkServiceRegistrationIT {
    private InJvmQuorum quorum;
    private ToolkitClient driverZk;
    private ToolkitClient clientZk;

    @BeforeEach
    void start() {
        quorum = SparkIt.startQuorum();
        driverZk = SparkIt.connect(quorum);
        clientZk = SparkIt.connect(quorum);
    }

    @AfterEach
    void stop() throws Exception {
        driverZk.close();
        clientZk.close();
        quorum.close();
    }

    private static SparkConf conf(String endpoints) {
        SparkConf conf = new SparkConf().setAppName("registered-app");
        SparkIt.LOCAL_DRIVER.forEach(conf::set);
        return conf.set("spark.ui.enabled", "true").set("spark.ui.port", "0")
                .set(SparkServiceRegistration.SERVICE_KEY, "nightly-reports")
                .set(SparkServiceRegistration.ENDPOINTS_KEY, endpoints);
    }

    @Test
    void theDriversUiAndThriftEndpointAreFoundAndGoWithTheApplication() throws Exception {
        SparkContext sc = new SparkContext(conf("thrift=127.0.0.1:10001"));
        try (ServiceRegistry registry = ServiceRegistry.create(clientZk)) {
            registry.start();
            try (ServiceView view = registry.view("nightly-reports", SelectionStrategy.ROUND_ROBIN)) {
                view.start();
                SparkServiceRegistration.register(driverZk, sc);
                SparkIt.await(Duration.ofSeconds(30), "both endpoints", () -> view.instances().toString(),
                        () -> view.instances().size() == 2);
                ServiceEndpoint ui = view.instances().stream()
                        .filter(e -> "ui".equals(e.attributes().get("endpoint"))).findFirst().orElseThrow();
                ServiceEndpoint thrift = view.instances().stream()
                        .filter(e -> "thrift".equals(e.attributes().get("endpoint"))).findFirst().orElseThrow();
                assertThat(ui.attributes()).containsEntry("appId", sc.applicationId()).containsEntry("appName", "registered-app");
                assertThat(thrift.hostAndPort()).isEqualTo("127.0.0.1:10001");

                HttpResponse<String> page = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create(ui.attributes().get("url") + "/jobs/")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(page.statusCode()).as("the registered UI address serves Spark's UI").isEqualTo(200);
                assertThat(page.body()).contains("registered-app");

                sc.stop();
                SparkIt.await(Duration.ofSeconds(30), "deregistration", () -> view.instances().toString(),
                        () -> view.instances().isEmpty());
            }
        } finally {
            sc.stop();
        }
    }

    @Test
    void aMalformedEndpointListIsRefusedNamingTheEntry() {
        SparkContext sc = new SparkContext(conf("thrift=127.0.0.1"));
        try {
            assertThatThrownBy(() -> SparkServiceRegistration.register(driverZk, sc))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Invalid entry 'thrift=127.0.0.1' in " + SparkServiceRegistration.ENDPOINTS_KEY)
                    .hasMessageContaining("name=host:port");
        } finally {
            sc.stop();
        }
    }
}
