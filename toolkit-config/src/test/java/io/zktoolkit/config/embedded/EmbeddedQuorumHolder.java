package io.zktoolkit.config.embedded;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;

/**
 * Child-JVM main for {@link EmbeddedShutdownTest} and {@link EmbeddedEnsembleTest}: holds an
 * embedded quorum open until killed, its data in the folder given as the one argument, if any.
 */
public final class EmbeddedQuorumHolder {
    private EmbeddedQuorumHolder() {
    }

    public static void main(String[] args) throws Exception {
        ToolkitSettings.Builder settings = ToolkitSettings.builder().set(ToolkitKeys.EMBEDDED_SERVERS, 3);
        if (args.length > 0) {
            settings.set(ToolkitKeys.EMBEDDED_DATA_DIR, java.nio.file.Path.of(args[0]));
        }
        ToolkitClient zk = ToolkitClient.open(settings.build());
        zk.curator().create().orSetData().forPath("/held");
        System.out.println("READY " + zk.connectString());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
