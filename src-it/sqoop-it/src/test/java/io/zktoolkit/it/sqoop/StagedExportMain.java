package io.zktoolkit.it.sqoop;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.sync.sqoop.ExportId;
import io.zktoolkit.sync.sqoop.ExportListener;
import java.nio.file.Path;

/**
 * An exporting job in its own JVM that stops at the worst moment: right after the database
 * commit, before the ZooKeeper record. Prints COMMITTED there and waits to be killed.
 * Arguments: ZooKeeper connect string, JDBC URL, target table, staging table, export dir, work dir.
 */
public final class StagedExportMain {
    private StagedExportMain() {
    }

    public static void main(String[] args) throws Exception {
        try (ToolkitClient zk = ToolkitClient.open(ToolkitSettings.builder().set(ToolkitKeys.CONNECT, args[0]).build())) {
            StagedExportIT.export(zk, args[1], args[2], args[3], args[4], Path.of(args[5]), new ExportListener() {
                @Override
                public void committed(ExportId id, long rows) {
                    System.out.println("COMMITTED " + rows);
                    try {
                        Thread.sleep(600_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }).run();
        }
        System.exit(0);
    }
}
