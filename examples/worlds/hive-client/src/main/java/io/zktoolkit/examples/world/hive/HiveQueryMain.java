package io.zktoolkit.examples.world.hive;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs statements through the stock hive-jdbc driver, as any Hive client would:
 * {@code HiveQueryMain <jdbc-url> <statement>...}, typically with the driver's own ZooKeeper URL
 * ({@code jdbc:hive2://zk1,zk2,zk3/db;serviceDiscoveryMode=zooKeeper;zooKeeperNamespace=ns}).
 * Only the JDK and the driver are on its class path: no toolkit class, so what it shows is what a
 * stock client gets.
 *
 * <p>Prints {@code CONNECTED <ms>} (the connect, including the driver's ZooKeeper look-up), then
 * {@code ROW <tab-separated columns>} for each row of the last statement; exit 0. On failure
 * {@code FAILED <SQLState> <message>} and exit 1; bad arguments exit 2.
 */
public final class HiveQueryMain {
    private HiveQueryMain() {
    }

    public static void main(String[] args) {
        // The launcher may die by kill -9: do not linger as an orphan.
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
        if (args.length < 2) {
            System.out.println("FAILED usage: HiveQueryMain <jdbc-url> <statement>...");
            System.exit(2);
        }
        System.exit(run(args[0], List.of(args).subList(1, args.length)));
    }

    private static int run(String url, List<String> statements) {
        long start = System.nanoTime();
        try (Connection connection = DriverManager.getConnection(url, System.getProperty("user.name"), "")) {
            System.out.println("CONNECTED " + (System.nanoTime() - start) / 1_000_000);
            try (Statement statement = connection.createStatement()) {
                for (int i = 0; i < statements.size() - 1; i++) {
                    statement.execute(statements.get(i));
                }
                if (statement.execute(statements.get(statements.size() - 1))) {
                    try (ResultSet rows = statement.getResultSet()) {
                        printRows(rows);
                    }
                }
            }
            System.out.flush();
            return 0;
        } catch (SQLException e) {
            System.out.println("FAILED " + e.getSQLState() + " " + oneLine(message(e)));
            e.printStackTrace(System.err);
            return 1;
        }
    }

    private static void printRows(ResultSet rows) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        while (rows.next()) {
            List<String> columns = new ArrayList<>();
            for (int c = 1; c <= meta.getColumnCount(); c++) {
                columns.add(String.valueOf(rows.getString(c)));
            }
            System.out.println("ROW " + String.join("\t", columns));
        }
    }

    /** The driver wraps the useful part (which server, why) in causes. */
    private static String message(SQLException e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        Throwable cause = e.getCause();
        while (cause != null && cause != cause.getCause()) {
            if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
                text.append(" (caused by ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage())
                        .append(')');
            }
            cause = cause.getCause();
        }
        return text.toString();
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ').replace('\r', ' ');
    }
}
