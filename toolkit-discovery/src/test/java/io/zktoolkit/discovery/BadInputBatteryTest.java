package io.zktoolkit.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.CapturedLogs;
import io.zktoolkit.config.testing.QuorumClients;
import io.zktoolkit.config.testing.ZnodeTree;
import io.zktoolkit.discovery.hive.HiveServerEndpoint;
import io.zktoolkit.discovery.hive.HiveServerRegistrar;
import io.zktoolkit.discovery.hive.HiveServerResolver;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bad input to toolkit-discovery, on a real 3-server quorum: registrations with bad names, ids,
 * hosts, ports or oversized payloads are refused naming the field and what is valid, and the
 * ensemble's tree (read with a plain client) shows nothing was written; instance and HiveServer2
 * znodes another tool wrote are skipped by the views with a warning naming them, the good
 * instances keep being served, and the foreign znodes are left as they are. The HiveServer2
 * parsers are fuzzed by {@code HiveZnodeFuzzTest}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BadInputBatteryTest {
    private static final String NS = "/zktoolkit";

    private static QuorumClients quorum;
    private static ToolkitClient zk;
    private static CuratorFramework plain;
    private static ServiceRegistry registry;

    @BeforeAll
    static void start() {
        quorum = new QuorumClients();
        zk = quorum.open();
        plain = quorum.closeLater(ZnodeTree.plainClient(quorum.connectString()));
        registry = quorum.closeLater(ServiceRegistry.create(zk));
        registry.start();
    }

    @AfterAll
    static void stop() {
        quorum.close();
    }

    @Test
    void badNamesIdsHostsPortsAndWeightsAreRefusedNamingTheFieldAndWhatIsValid() throws Exception {
        registry.register(endpoint(b -> b.id("battery-1")));
        Map<String, String> before = ZnodeTree.read(plain);
        Map<String, UnaryOperator<ServiceEndpoint.Builder>> bad = new LinkedHashMap<>();
        for (String id : new String[] {"", ".", "..", "a/b", "x\u0000y", "x\u0001", "x\ny", " x", "x ", "\ud800", "i".repeat(201)}) {
            bad.put("id " + id, b -> b.id(id));
        }
        for (String host : new String[] {"", " ", "edge 3", "edge\u0000", "http://edge-3", "edge-3:4711", "edge/3", "h".repeat(254)}) {
            bad.put("address " + host, b -> b.address(host));
        }
        for (int port : new int[] {0, -1, 65536}) {
            bad.put("port " + port, b -> b.port(port));
        }
        for (int weight : new int[] {-1, 1001}) {
            bad.put("weight " + weight, b -> b.weight(weight));
        }
        for (var c : bad.entrySet()) {
            String field = c.getKey().substring(0, c.getKey().indexOf(' '));
            assertThatThrownBy(() -> c.getValue().apply(builder("battery")).build()).as(c.getKey())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Invalid service " + field + " '")
                    .hasMessageContaining("': expected ")
                    .hasMessageNotContaining("\u0000").hasMessageNotContaining("\n");
        }
        for (String name : new String[] {"", "-x", "x/y", "..", "x\u0000", "x y", "s".repeat(101)}) {
            assertThatThrownBy(() -> builder(name).build()).as("name '%s'", name).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Invalid service name '")
                    .hasMessageContaining("expected 1 to 100 letters, digits, '.', '_' or '-'");
        }
        assertThat(builder("battery").id("i".repeat(200)).address("::1").build().address()).isEqualTo("::1");
        assertThat(builder("battery").address("fe80::1%eth0").build().hostAndPort()).isEqualTo("fe80::1%eth0:4711");
        assertThat(ZnodeTree.read(plain)).isEqualTo(before);
    }

    /**
     * Curator keeps an instance it was asked to register even when the write fails and writes it
     * again on every reconnection; a write over jute.maxbuffer makes the server drop the
     * connection. So the payload is measured before Curator sees it.
     */
    @Test
    void aPayloadOverTheNodeSizeLimitIsRefusedNamingTheLimitAndTheRegistryCarriesOn() throws Exception {
        Registration small = registry.register(endpoint(b -> b.id("battery-size").attribute("load", "1")));
        Map<String, String> before = ZnodeTree.read(plain);
        String blob = "x".repeat(1_100_000);
        String limit = "over the node size limit of " + (0xfffff - 16 * 1024) + " bytes (jute.maxbuffer " + 0xfffff;
        assertThatThrownBy(() -> registry.register(endpoint(b -> b.id("battery-big").attribute("blob", blob))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Service battery instance battery-big with 1 attributes would be 1100")
                .hasMessageContaining(limit).hasMessageEndingWith("Nothing was written");
        assertThatThrownBy(() -> small.update(Map.of("blob", blob), 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Service battery instance battery-size with 1 attributes").hasMessageContaining(limit);
        assertThat(small.endpoint().attributes()).containsOnly(Map.entry("load", "1"));
        assertThat(ZnodeTree.read(plain)).isEqualTo(before);

        small.update(Map.of("load", "2"), 1);
        try (ServiceView view = registry.view("battery", SelectionStrategy.ROUND_ROBIN)) {
            view.start();
            assertThat(view.instances()).extracting(ServiceEndpoint::id).contains("battery-size").doesNotContain("battery-big");
            assertThat(view.instances().stream().filter(e -> e.id().equals("battery-size")).findFirst().orElseThrow()
                    .attributes()).containsEntry("load", "2");
        }
        small.close();
    }

    @Test
    void foreignInstanceZnodesAreSkippedWithAWarningAndTheGoodOnesAreStillServed() throws Exception {
        registry.register(endpoint("battery-view", b -> b.id("good-1").port(4001)));
        registry.register(endpoint("battery-view", b -> b.id("good-2").port(4002)));
        String service = NS + ServiceRegistry.ROOT + "/battery-view";
        String real = new String(plain.getData().forPath(service + "/good-1"), StandardCharsets.UTF_8);
        Map<String, byte[]> foreign = new LinkedHashMap<>();
        foreign.put("not-utf8", new byte[] {(byte) 0xc3, 0x28, (byte) 0xff});
        foreign.put("empty", new byte[0]);
        foreign.put("other-json", utf8("{\"json\":true}"));
        foreign.put("truncated", utf8(real.substring(0, real.length() / 2)));
        foreign.put("no-port", utf8(real.replace("good-1", "no-port").replace("\"port\":4001", "\"port\":null")));
        foreign.put("bad-port", utf8(real.replace("good-1", "bad-port").replace("\"port\":4001", "\"port\":70000")));
        foreign.put("bad-payload", utf8(real.replace("good-1", "bad-payload").replaceFirst("\"attributes\":\\{[^}]*}", "\"attributes\":\"x\"")));
        try (CapturedLogs logs = CapturedLogs.start();
             ServiceView view = registry.view("battery-view", SelectionStrategy.ROUND_ROBIN)) {
            for (var f : foreign.entrySet()) {
                plain.create().forPath(service + "/" + f.getKey(), f.getValue());
            }
            Map<String, String> before = ZnodeTree.read(plain);
            view.start();
            registry.register(endpoint("battery-view", b -> b.id("good-3").port(4003)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (view.instances().stream().noneMatch(e -> e.id().equals("good-3")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(view.instances()).extracting(ServiceEndpoint::id).containsExactly("good-1", "good-2", "good-3");
            assertThat(view.select()).isPresent();
            assertThat(view.select("orders")).isPresent();
            String text = logs.text();
            for (String id : new String[] {"no-port", "bad-port"}) {
                assertThat(text).contains("Skipping instance " + id + " of service battery-view: Invalid service port");
            }
            assertThat(text).contains("Skipping instance  of service battery-view: Invalid service name ''");
            // Curator's cache drops data its JSON reader cannot read with an ERROR that names no
            // znode; the view names each (in the background, so wait for the last).
            String[] unreadable = {"not-utf8", "empty", "truncated", "bad-payload"};
            long named = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < named && !java.util.Arrays.stream(unreadable)
                    .allMatch(id -> logs.text().contains("Skipping znode " + service + "/" + id + " of service battery-view"))) {
                Thread.sleep(20);
            }
            for (String id : unreadable) {
                assertThat(logs.text()).as(id).contains("Skipping znode " + service + "/" + id
                        + " of service battery-view: its ").contains("bytes are not a service instance (");
            }
            for (String id : new String[] {"good-1", "good-2", "good-3", "other-json", "no-port", "bad-port"}) {
                assertThat(logs.text()).as("readable " + id).doesNotContain("Skipping znode " + service + "/" + id + " ");
            }
            Map<String, String> after = ZnodeTree.read(plain);
            for (String id : foreign.keySet()) {
                assertThat(after.get(service + "/" + id)).as(id).isEqualTo(before.get(service + "/" + id));
            }
        }
    }

    @Test
    void foreignHiveServer2ZnodesAreSkippedNamingThemAndTheRealServerIsStillResolved() throws Exception {
        try (HiveServerRegistrar registrar = HiveServerRegistrar.builder(zk, HiveServerEndpoint.binary("127.0.0.1", 41100))
                .namespace("battery-hs2").build()) {
            registrar.start();
            String parent = NS + "/battery-hs2";
            plain.create().forPath(parent + "/serverUri=10.0.0.1:10000;version=3.1.3;sequence=0000009990", new byte[] {(byte) 0xff, (byte) 0xfe});
            plain.create().forPath(parent + "/serverUri=10.0.0.2:10000;version=3.1.3;sequence=0000009991",
                    utf8("hive.server2.thrift.bind.host=10.0.0.2;hive.server2.thr"));
            plain.create().forPath(parent + "/not-a-registration", utf8("{\"json\":true}"));
            Map<String, String> before = ZnodeTree.read(plain);
            try (CapturedLogs logs = CapturedLogs.start();
                 HiveServerResolver resolver = HiveServerResolver.builder(zk).namespace("battery-hs2").build()) {
                resolver.start();
                assertThat(resolver.instances()).extracting(i -> i.endpoint().instanceUri()).containsExactly("127.0.0.1:41100");
                assertThat(resolver.select()).isPresent();
                assertThat(logs.text())
                        .contains("Skipping znode " + parent + "/serverUri=10.0.0.1:10000;version=3.1.3;sequence=0000009990: not a HiveServer2 registration")
                        .contains("Skipping znode " + parent + "/serverUri=10.0.0.2:10000;version=3.1.3;sequence=0000009991: not a HiveServer2 registration");
            }
            assertThat(ZnodeTree.read(plain)).isEqualTo(before);
        }
    }

    private static ServiceEndpoint.Builder builder(String name) {
        return ServiceEndpoint.builder(name).id("battery-x").address("edge-3").port(4711);
    }

    private static ServiceEndpoint endpoint(UnaryOperator<ServiceEndpoint.Builder> customize) {
        return customize.apply(builder("battery")).build();
    }

    private static ServiceEndpoint endpoint(String name, UnaryOperator<ServiceEndpoint.Builder> customize) {
        return customize.apply(builder(name)).build();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
