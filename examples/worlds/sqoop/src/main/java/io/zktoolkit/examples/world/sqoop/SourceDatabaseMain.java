package io.zktoolkit.examples.world.sqoop;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The pipeline's source database in its own JVM: {@code SourceDatabaseMain <dir> <rows-per-table> <table>...}
 * starts an embedded PostgreSQL (see {@link ShopDatabase}) and takes commands on stdin.
 *
 * <p>Lines printed on stdout:
 * <ul>
 *   <li>{@code READY <jdbc-url> <password-file>} once the server is up and filled;</li>
 *   <li>{@code ADDED <table> <first-id> <last-id>} after {@code ADD <table> <n>};</li>
 *   <li>{@code COUNT <table> <rows>} per table, then {@code COUNTED}, after {@code COUNT};</li>
 *   <li>{@code ERROR <message>} for a command that failed or is not understood (the server keeps running);</li>
 *   <li>{@code STOPPED} after {@code STOP} or end of input, once PostgreSQL has stopped; exit code 0.</li>
 * </ul>
 * Exit code 2 for bad arguments, 1 when the server cannot start.
 */
public final class SourceDatabaseMain {
    private SourceDatabaseMain() {
    }

    /** Set while the server runs, so that a launcher that dies takes the server with it. */
    private static volatile ShopDatabase running;

    public static void main(String[] args) throws Exception {
        // Dies with the launcher; unlike the other mains it first stops PostgreSQL, whose server
        // process is no JVM thread and would otherwise outlive this JVM's halt.
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> {
            stopQuietly();
            Runtime.getRuntime().halt(3);
        }));
        if (args.length < 3) {
            Console.say("ERROR usage: SourceDatabaseMain <dir> <rows-per-table> <table>...");
            System.exit(2);
        }
        int rows = Integer.parseInt(args[1]);
        List<String> tables = Arrays.asList(args).subList(2, args.length);
        ShopDatabase db;
        try {
            db = ShopDatabase.start(Path.of(args[0]), rows, tables);
        } catch (Exception e) {
            Console.say("ERROR cannot start the source database: " + Console.reason(e));
            System.exit(1);
            return;
        }
        running = db;
        try (db) {
            Console.say("READY " + db.jdbcUrl() + " " + db.passwordFile());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.strip().equals("STOP")) {
                execute(db, line.strip().split("\\s+"));
            }
        }
        running = null;
        Console.say("STOPPED");
        System.exit(0);
    }

    private static synchronized void stopQuietly() {
        ShopDatabase db = running;
        if (db != null) {
            try {
                db.close();
            } catch (Exception | Error e) {
                // Halting anyway: the launcher is gone.
            }
        }
    }

    private static void execute(ShopDatabase db, String[] command) {
        try {
            if (command[0].equals("ADD") && command.length == 3) {
                long[] ids = db.addRows(command[1], Integer.parseInt(command[2]));
                Console.say("ADDED " + command[1] + " " + ids[0] + " " + ids[1]);
            } else if (command[0].equals("COUNT") && command.length == 1) {
                db.counts().forEach((table, count) -> Console.say("COUNT " + table + " " + count));
                Console.say("COUNTED");
            } else if (!command[0].isEmpty()) {
                Console.say("ERROR unknown command '" + String.join(" ", command) + "'; expected ADD <table> <n>, COUNT or STOP");
            }
        } catch (Exception e) {
            Console.say("ERROR " + Console.reason(e));
        }
    }
}
