package io.zktoolkit.discovery.hive;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A server process's registrar, run in a child JVM so a test can kill the process:
 * {@code RegistrarMain <connect> <port> <session ms>} registers 127.0.0.1:port, prints
 * {@code REGISTERED <path>} and waits to be killed.
 */
public final class RegistrarMain {
    private RegistrarMain() {
    }

    public static void main(String[] args) throws Exception {
        ToolkitClient zk = ToolkitClient.open(ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, args[0])
                .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofMillis(Long.parseLong(args[2])))
                .build());
        HiveServerRegistrar registrar = HiveServerRegistrar.builder(zk,
                HiveServerEndpoint.binary("127.0.0.1", Integer.parseInt(args[1]))).build();
        registrar.start();
        System.out.println("REGISTERED " + registrar.znodePath().orElseThrow());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
