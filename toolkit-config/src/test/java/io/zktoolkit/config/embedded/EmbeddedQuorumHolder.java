package io.zktoolkit.config.embedded;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;

/** Child-JVM main for {@link EmbeddedShutdownTest}: holds an embedded quorum open until killed. */
public final class EmbeddedQuorumHolder {
    private EmbeddedQuorumHolder() {
    }

    public static void main(String[] args) throws Exception {
        ToolkitClient zk = ToolkitClient.open(ToolkitSettings.builder().set(ToolkitKeys.EMBEDDED_SERVERS, 3).build());
        zk.curator().create().forPath("/held");
        System.out.println("READY " + zk.connectString());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
