package io.zktoolkit.discovery.hive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zktoolkit.config.ToolkitSettings;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The znode names, data and URLs against the exact strings HiveServer2 and the stock driver use
 * (shared/reference/hive-zookeeper.md, read from hive-service and hive-jdbc 4.0.1 and seen on a live
 * server).
 */
class HiveZnodeFormatTest {
    /** The data a live HiveServer2 wrote, as recorded in the reference. */
    private static final String HIVE_BINARY_DATA = "hive.server2.instance.uri=127.0.0.1:45221;"
            + "hive.server2.thrift.bind.host=127.0.0.1;hive.server2.transport.mode=binary;hive.server2.thrift.port=45221;"
            + "hive.server2.thrift.sasl.qop=auth;hive.server2.authentication=NONE;hive.server2.use.SSL=false";

    @Test
    void binaryDataIsByteForByteWhatHiveServer2Writes() {
        HiveServerEndpoint endpoint = HiveServerEndpoint.binary("127.0.0.1", 45221);

        assertThat(endpoint.znodeData()).isEqualTo(HIVE_BINARY_DATA);
        assertThat(HiveServerEndpoint.fromZnodeData(HIVE_BINARY_DATA)).isEqualTo(endpoint);
    }

    @Test
    void httpDataCarriesHttpPortAndPathAndKerberosDataItsPrincipal() {
        HiveServerEndpoint endpoint = HiveServerEndpoint.http("hs2-1.example.com", 10001, "cliservice").withSsl(true)
                .withKerberosPrincipal("hive/hs2-1.example.com@EXAMPLE.COM");

        String data = endpoint.znodeData();

        assertThat(data).isEqualTo("hive.server2.instance.uri=hs2-1.example.com:10001;"
                + "hive.server2.thrift.bind.host=hs2-1.example.com;hive.server2.transport.mode=http;"
                + "hive.server2.thrift.http.port=10001;hive.server2.thrift.http.path=cliservice;"
                + "hive.server2.authentication=KERBEROS;"
                + "hive.server2.authentication.kerberos.principal=hive/hs2-1.example.com@EXAMPLE.COM;hive.server2.use.SSL=true");
        assertThat(HiveServerEndpoint.fromZnodeData(data)).isEqualTo(endpoint);
    }

    @Test
    void readsKeysInAnyOrderWithATrailingSemicolonAndTheLegacyHostPort() {
        assertThat(HiveServerEndpoint.fromZnodeData("hive.server2.thrift.port=10000;hive.server2.thrift.bind.host=h1;"))
                .isEqualTo(HiveServerEndpoint.binary("h1", 10000));
        // no bind host: the host comes from the instance URI
        assertThat(HiveServerEndpoint.fromZnodeData("hive.server2.instance.uri=h2:10002;hive.server2.thrift.sasl.qop=auth-conf"))
                .isEqualTo(HiveServerEndpoint.binary("h2", 10002).withSaslQop("auth-conf"));
        // what HiveServer2 wrote before it published its configuration
        assertThat(HiveServerEndpoint.fromZnodeData("old-hs2.example.com:10000"))
                .isEqualTo(HiveServerEndpoint.binary("old-hs2.example.com", 10000));
    }

    @Test
    void foreignOrDamagedDataIsRejectedWithTheReason() {
        assertThatThrownBy(() -> HiveServerEndpoint.fromZnodeData("just some text"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("neither key=value pairs nor a legacy host:port");
        assertThatThrownBy(() -> HiveServerEndpoint.fromZnodeData("hive.server2.thrift.bind.host=h"))
                .hasMessageContaining("no hive.server2.thrift.port and no hive.server2.instance.uri");
        assertThatThrownBy(() -> HiveServerEndpoint.fromZnodeData("hive.server2.thrift.bind.host=h;hive.server2.thrift.port=x"))
                .hasMessageContaining("hive.server2.thrift.port 'x' is not a number");
        assertThatThrownBy(() -> HiveServerEndpoint.fromZnodeData("hive.server2.instance.uri=h:1;hive.server2.transport.mode=smoke"))
                .hasMessageContaining("unknown transport mode 'smoke'");
        assertThatThrownBy(() -> new HiveZnodeLayout(HiveDiscoveryMode.ZOOKEEPER, "hiveserver2", false)
                .parse("/hiveserver2/x", new byte[] {(byte) 0xC3, (byte) 0x28}))
                .hasMessageContaining("not UTF-8");
    }

    @Test
    void invalidEndpointsNameEveryFieldAtFault() {
        assertThatThrownBy(() -> HiveServerEndpoint.binary("", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host: is empty").hasMessageContaining("port: 0 is not a TCP port");
        assertThatThrownBy(() -> HiveServerEndpoint.binary("a;b", 70000))
                .hasMessageContaining("host 'a;b'").hasMessageContaining("port: 70000");
        assertThatThrownBy(() -> HiveServerEndpoint.binary("::1", 10000)).hasMessageContaining("IPv6");
        assertThatThrownBy(() -> HiveServerEndpoint.http("h", 10001, " ")).hasMessageContaining("httpPath: is empty");
        assertThatThrownBy(() -> HiveServerEndpoint.binary("h", 1).withSaslQop("privacy"))
                .hasMessageContaining("saslQop 'privacy'");
        assertThatThrownBy(() -> HiveServerEndpoint.binary("h", 1).withKerberosPrincipal("hive/h@R;x=y"))
                .hasMessageContaining("kerberosPrincipal");
    }

    @Test
    void theDirectUrlCarriesWhatTheStockDriverTakesFromTheZnodeAndTheCallersParametersWin() {
        assertThat(HiveServerEndpoint.binary("h", 10000).jdbcUrl("sales", Map.of()))
                .isEqualTo("jdbc:hive2://h:10000/sales");
        Map<String, String> session = new LinkedHashMap<>();
        session.put("fetchSize", "500");
        session.put("httpPath", "gateway/cliservice");
        assertThat(HiveServerEndpoint.http("h", 10001, "cliservice").withSsl(true).withKerberosPrincipal("hive/h@R")
                .jdbcUrl("", session))
                .isEqualTo("jdbc:hive2://h:10001/;transportMode=http;httpPath=gateway/cliservice;ssl=true;principal=hive/h@R;"
                        + "fetchSize=500");
        assertThat(HiveServerEndpoint.binary("h", 10000).withAuthentication("NOSASL").withSaslQop("auth-conf")
                .jdbcUrl("default", Map.of()))
                .isEqualTo("jdbc:hive2://h:10000/default;saslQop=auth-conf;auth=noSasl");
        assertThatThrownBy(() -> HiveServerEndpoint.binary("h", 1).jdbcUrl("a;b", Map.of("x", "1?")))
                .hasMessageContaining("database 'a;b'").hasMessageContaining("session parameter 'x=1?'");
    }

    @Test
    void znodeNamesAreHivesAndTheStockUrlCarriesTheCuratorNamespace() {
        HiveZnodeLayout plain = new HiveZnodeLayout(HiveDiscoveryMode.ZOOKEEPER, "hiveserver2", false);
        HiveServerEndpoint endpoint = HiveServerEndpoint.binary("127.0.0.1", 45221);

        assertThat(plain.registrationPathPrefix(endpoint, "2.3.9"))
                .isEqualTo("/hiveserver2/serverUri=127.0.0.1:45221;version=2.3.9;sequence=");
        assertThat(plain.stockJdbcUrl("zk1:2181,zk2:2181", "", "", ToolkitSettings.defaults()))
                .isEqualTo("jdbc:hive2://zk1:2181,zk2:2181/;serviceDiscoveryMode=zooKeeper;zooKeeperNamespace=hiveserver2");
        assertThat(plain.stockJdbcUrl("zk1:2181", "app", "sales", ToolkitSettings.defaults()))
                .isEqualTo("jdbc:hive2://zk1:2181/sales;serviceDiscoveryMode=zooKeeper;zooKeeperNamespace=app/hiveserver2");

        HiveZnodeLayout ha = new HiveZnodeLayout(HiveDiscoveryMode.ZOOKEEPER_HA, "hs2ActivePassiveHA", false);
        assertThat(ha.instancesPath()).isEqualTo("/hs2ActivePassiveHA-unsecure/instances");
        assertThat(ha.leaderLatchPath()).isEqualTo("/hs2ActivePassiveHA-unsecure/_LEADER");
        assertThat(ha.registrationPathPrefix(endpoint, "4.0.1")).isEqualTo("/hs2ActivePassiveHA-unsecure/instances/instance-");
        assertThat(new HiveZnodeLayout(HiveDiscoveryMode.ZOOKEEPER_HA, "hs2", true).instancesPath())
                .isEqualTo("/hs2-sasl/instances");
        assertThat(ha.stockJdbcUrl("zk1:2181", "app", "", ToolkitSettings.defaults()))
                .isEqualTo("jdbc:hive2://zk1:2181/;serviceDiscoveryMode=zooKeeperHA;zooKeeperNamespace=app/hs2ActivePassiveHA");
        assertThat(ha.isRegistration("instance-0000000003")).isTrue();
        assertThat(ha.isRegistration("instance-")).isFalse();
        assertThat(ha.isRegistration("pnode0")).isFalse();
    }

    @Test
    void namespacesThatWouldBreakPathOrUrlAreRejected() {
        assertThat(HiveZnodeLayout.namespaceProblems("team/hiveserver2")).isEmpty();
        assertThat(HiveZnodeLayout.namespaceProblems("/hiveserver2")).singleElement().asString().startsWith("namespace '/hiveserver2'");
        assertThat(HiveZnodeLayout.namespaceProblems("a//b")).singleElement().asString().startsWith("namespace 'a//b'");
        assertThat(HiveZnodeLayout.namespaceProblems("a;b")).singleElement().asString().contains("zooKeeperNamespace");
        assertThat(HiveZnodeLayout.namespaceProblems("")).containsExactly("namespace: is empty");
        assertThat(HiveZnodeLayout.namespaceProblems("a/./b")).singleElement().asString().contains("not a valid znode path");
    }

    @Test
    void haRecordsAreHadoopRegistryJsonWithTheActiveOrPassiveEndpoint() throws Exception {
        HiveServerEndpoint endpoint = HiveServerEndpoint.binary("127.0.0.1", 45221);

        byte[] active = HiveServiceRecord.encode(endpoint, "f3b0c2a4-uuid", true);
        JsonNode json = new ObjectMapper().readTree(active);

        assertThat(json.get("type").asText()).isEqualTo("JSONServiceRecord");
        assertThat(json.get("external")).isEmpty();
        JsonNode internal = json.get("internal");
        assertThat(internal).hasSize(1);
        assertThat(internal.get(0).get("api").asText()).isEqualTo("activeEndpoint");
        assertThat(internal.get(0).get("addressType").asText()).isEqualTo("host/port");
        assertThat(internal.get(0).get("protocolType").asText()).isEqualTo("hadoop/IPC");
        assertThat(internal.get(0).get("addresses").get(0).get("host").asText()).isEqualTo("127.0.0.1");
        assertThat(internal.get(0).get("addresses").get(0).get("port").asText()).isEqualTo("45221");
        assertThat(json.get("hive.server2.thrift.port").asText()).isEqualTo("45221");
        assertThat(json.get("registry.unique.id").asText()).isEqualTo("f3b0c2a4-uuid");

        assertThat(HiveServiceRecord.decode(active)).isEqualTo(new HiveServiceRecord.Decoded(endpoint, "f3b0c2a4-uuid", true));
        assertThat(HiveServiceRecord.decode(HiveServiceRecord.encode(endpoint, "u", false)).active()).isFalse();
    }

    @Test
    void readsAnHaRecordAsHadoopWritesIt() {
        // Field order and the description/extra attributes as HS2ActivePassiveHARegistry's ServiceRecord serialises them.
        String hadoop = "{\"type\":\"JSONServiceRecord\",\"description\":null,\"external\":[],\"internal\":[{\"api\":"
                + "\"passiveEndpoint\",\"addressType\":\"host/port\",\"protocolType\":\"hadoop/IPC\",\"addresses\":[{\"host\":"
                + "\"hs2-2\",\"port\":\"10000\"}]}],\"hive.server2.thrift.bind.host\":\"hs2-2\",\"hive.server2.webui.port\":"
                + "\"10002\",\"hive.server2.instance.uri\":\"hs2-2:10000\",\"registry.unique.id\":\"a1\","
                + "\"hive.server2.transport.mode\":\"binary\",\"hive.server2.thrift.port\":\"10000\","
                + "\"hive.server2.thrift.sasl.qop\":\"auth\",\"hive.server2.authentication\":\"NONE\","
                + "\"hive.server2.use.SSL\":\"false\"}";

        HiveServiceRecord.Decoded decoded = HiveServiceRecord.decode(hadoop.getBytes(StandardCharsets.UTF_8));

        assertThat(decoded.endpoint()).isEqualTo(HiveServerEndpoint.binary("hs2-2", 10000));
        assertThat(decoded.active()).isFalse();
        assertThat(decoded.uniqueId()).isEqualTo("a1");
        assertThatThrownBy(() -> HiveServiceRecord.decode("{\"type\":\"JSONServiceRecord\",\"internal\":[]}".getBytes(
                StandardCharsets.UTF_8))).hasMessageContaining("neither an activeEndpoint nor a passiveEndpoint");
        assertThatThrownBy(() -> HiveServiceRecord.decode(HIVE_BINARY_DATA.getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not a JSON service record");
    }

    @Test
    void theKerberosPrincipalIsKeptOptional() {
        assertThat(HiveServerEndpoint.binary("h", 1).kerberosPrincipal()).isEqualTo(Optional.empty());
        assertThat(HiveServerEndpoint.binary("h", 1).withKerberosPrincipal("hive/h@R").authentication()).isEqualTo("KERBEROS");
    }
}
