package io.zktoolkit.it.sqoop;

import io.zktoolkit.sync.sqoop.ZooKeeperJobStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.sqoop.Sqoop;

/**
 * Another edge node: runs Sqoop commands in its own JVM with the ZooKeeper job storage registered.
 * Arguments: a work folder, a go-file ({@code -} for none: otherwise prints READY and waits until
 * it exists, so that several children start Sqoop at the same moment), then Sqoop commands
 * separated by {@code --next--}. Prints {@code SQOOP_RC=<rc>} per command and exits with the last.
 * System properties {@code conf.<key>} become Configuration entries.
 */
public final class SqoopMain {
    private SqoopMain() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        if (!args[1].equals("-")) {
            Path go = Path.of(args[1]);
            System.out.println("READY");
            while (!Files.exists(go)) {
                Thread.sleep(5);
            }
        }
        int rc = 0;
        List<String> command = new ArrayList<>();
        for (String arg : Arrays.copyOfRange(args, 2, args.length)) {
            if (arg.equals("--next--")) {
                rc = run(command, work);
                command.clear();
            } else {
                command.add(arg);
            }
        }
        rc = run(command, work);
        System.exit(rc);
    }

    private static int run(List<String> command, Path work) {
        Configuration conf = SqoopLocal.localHadoop(work);
        ZooKeeperJobStorage.register(conf);
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("conf."))
                .forEach(k -> conf.set(k.substring(5), System.getProperty(k)));
        int rc = Sqoop.runTool(command.toArray(String[]::new), conf);
        System.out.println("SQOOP_RC=" + rc);
        return rc;
    }
}
