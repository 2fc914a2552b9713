package io.zktoolkit.discovery.hive;

import java.sql.Connection;
import java.util.Objects;

/**
 * A connection {@link HiveServerResolver#open} made, with the server it reached, so a caller that
 * loses the server later can report it ({@link HiveServerResolver#noteFailure}) and move elsewhere.
 *
 * @param server the registration the connection was made from
 * @param connection the open connection; the caller closes it
 */
public record HiveServerConnection(HiveServerInstance server, Connection connection) {
    /** Checks both parts are present. */
    public HiveServerConnection {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(connection, "connection");
    }
}
