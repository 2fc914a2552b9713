package io.zktoolkit.it.bundle;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.sync.shared.DistributedCounter;
import java.util.Properties;

/**
 * A child JVM's job: one counter increment through the toolkit, on whatever class path the test
 * gives it, against the ensemble named by the first argument ({@code embedded} starts one here). Prints {@code COUNTED n}, or {@code LINKAGE <error>}
 * when the class path mixes incompatible versions.
 */
public final class CounterMain {
    private CounterMain() {
    }

    public static void main(String[] args) {
        Properties zk = new Properties();
        zk.setProperty("zk.connect", args[0]);
        zk.setProperty("zk.connection.timeout", "10s");
        try (ToolkitClient client = ToolkitClient.open(zk)) {
            System.out.println("COUNTED " + DistributedCounter.named(client, "child").increment());
            System.out.flush();
            Runtime.getRuntime().halt(0);
        } catch (Throwable e) {
            // The embedded server and Curator wrap what they hit; the class-path clash is the cause.
            Throwable linkage = e;
            while (linkage != null && !(linkage instanceof LinkageError)) {
                linkage = linkage.getCause();
            }
            System.out.println(linkage != null ? "LINKAGE " + linkage : "FAILED " + e);
            e.printStackTrace(System.out);
            System.out.flush();
            Runtime.getRuntime().halt(linkage != null ? 3 : 4);
        }
    }
}
