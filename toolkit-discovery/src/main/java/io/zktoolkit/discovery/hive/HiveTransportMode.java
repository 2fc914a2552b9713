package io.zktoolkit.discovery.hive;

import java.util.Locale;

/** The Thrift transport a HiveServer2 listens with ({@code hive.server2.transport.mode}). */
public enum HiveTransportMode {
    /** Plain Thrift over TCP, on {@code hive.server2.thrift.port}. */
    BINARY,
    /** Thrift over HTTP, on {@code hive.server2.thrift.http.port} under {@code hive.server2.thrift.http.path}. */
    HTTP;

    /** The value as HiveServer2 publishes it and the JDBC URL takes it: {@code binary} or {@code http}. */
    public String hiveName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a published transport mode. Hive 4's {@code all} (both transports) counts as binary, as the
     * stock driver treats every value but {@code http} that way.
     *
     * @throws IllegalArgumentException for anything else
     */
    static HiveTransportMode fromHiveName(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "binary", "all" -> BINARY;
            case "http" -> HTTP;
            default -> throw new IllegalArgumentException("unknown transport mode '" + value + "'; expected binary or http");
        };
    }
}
