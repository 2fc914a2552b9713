package io.zktoolkit.discovery.hive;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How to reach one HiveServer2: the settings a server publishes in ZooKeeper, which are exactly
 * what a client needs to open a direct JDBC connection. Both sides of discovery share this one
 * type, so what the {@link HiveServerRegistrar} writes and what the {@link HiveServerResolver} (or
 * the stock driver) reads cannot drift apart.
 *
 * <p>{@link #znodeData()} is HiveServer2's own format, {@code key=value} pairs joined by {@code ;}
 * (for example {@code hive.server2.instance.uri=127.0.0.1:10000;hive.server2.thrift.bind.host=...}),
 * with the keys the stock driver reads. {@link #fromZnodeData} also takes the legacy data of older
 * servers, a bare {@code host:port}.
 *
 * @param host the host clients connect to ({@code hive.server2.thrift.bind.host})
 * @param port the port of the transport in use: the Thrift port, or the HTTP port in http mode
 * @param transportMode binary or http
 * @param httpPath the HTTP endpoint path in http mode ({@code cliservice} by default); empty in binary mode
 * @param ssl whether clients must use TLS
 * @param saslQop SASL quality of protection in binary mode: {@code auth}, {@code auth-int} or {@code auth-conf}
 * @param authentication HiveServer2's authentication ({@code NONE}, {@code NOSASL}, {@code KERBEROS}, {@code LDAP}, ...)
 * @param kerberosPrincipal the server's Kerberos principal, published with Kerberos authentication
 */
public record HiveServerEndpoint(String host, int port, HiveTransportMode transportMode, String httpPath, boolean ssl,
        String saslQop, String authentication, Optional<String> kerberosPrincipal) {

    static final String INSTANCE_URI = "hive.server2.instance.uri";
    static final String BIND_HOST = "hive.server2.thrift.bind.host";
    static final String TRANSPORT_MODE = "hive.server2.transport.mode";
    static final String THRIFT_PORT = "hive.server2.thrift.port";
    static final String HTTP_PORT = "hive.server2.thrift.http.port";
    static final String HTTP_PATH = "hive.server2.thrift.http.path";
    static final String SASL_QOP = "hive.server2.thrift.sasl.qop";
    static final String AUTHENTICATION = "hive.server2.authentication";
    static final String KERBEROS_PRINCIPAL = "hive.server2.authentication.kerberos.principal";
    static final String USE_SSL = "hive.server2.use.SSL";

    /** HiveServer2's default HTTP path. */
    public static final String DEFAULT_HTTP_PATH = "cliservice";
    private static final String DEFAULT_QOP = "auth";
    private static final String DEFAULT_AUTHENTICATION = "NONE";
    /** The stock driver's own pattern for the published pairs (ZooKeeperHiveClientHelper). */
    private static final Pattern PAIR = Pattern.compile("([^=;]*)=([^;]*);?");
    private static final Pattern AUTHENTICATION_VALUE = Pattern.compile("[A-Za-z0-9_,-]+");

    /**
     * Checks every field.
     *
     * @throws IllegalArgumentException naming each field at fault
     */
    public HiveServerEndpoint {
        Objects.requireNonNull(transportMode, "transportMode");
        Objects.requireNonNull(kerberosPrincipal, "kerberosPrincipal");
        httpPath = httpPath == null ? "" : httpPath;
        List<String> problems = problems(host, port, transportMode, httpPath, saslQop, authentication, kerberosPrincipal);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid HiveServer2 endpoint: " + String.join("; ", problems));
        }
    }

    /** A binary-transport server with Hive's defaults: no TLS, QOP {@code auth}, authentication {@code NONE}. */
    public static HiveServerEndpoint binary(String host, int port) {
        return new HiveServerEndpoint(host, port, HiveTransportMode.BINARY, "", false, DEFAULT_QOP, DEFAULT_AUTHENTICATION,
                Optional.empty());
    }

    /** An http-transport server on {@code port} under {@code httpPath}, otherwise with Hive's defaults. */
    public static HiveServerEndpoint http(String host, int port, String httpPath) {
        return new HiveServerEndpoint(host, port, HiveTransportMode.HTTP, httpPath, false, DEFAULT_QOP, DEFAULT_AUTHENTICATION,
                Optional.empty());
    }

    /** This endpoint with TLS on or off. */
    public HiveServerEndpoint withSsl(boolean on) {
        return new HiveServerEndpoint(host, port, transportMode, httpPath, on, saslQop, authentication, kerberosPrincipal);
    }

    /** This endpoint with another SASL quality of protection. */
    public HiveServerEndpoint withSaslQop(String qop) {
        return new HiveServerEndpoint(host, port, transportMode, httpPath, ssl, qop, authentication, kerberosPrincipal);
    }

    /** This endpoint with another authentication; see {@link #withKerberosPrincipal} for Kerberos. */
    public HiveServerEndpoint withAuthentication(String value) {
        return new HiveServerEndpoint(host, port, transportMode, httpPath, ssl, saslQop, value, kerberosPrincipal);
    }

    /** This endpoint with Kerberos authentication as {@code principal} (for example {@code hive/_HOST@EXAMPLE.COM}). */
    public HiveServerEndpoint withKerberosPrincipal(String principal) {
        return new HiveServerEndpoint(host, port, transportMode, httpPath, ssl, saslQop, "KERBEROS",
                Optional.of(Objects.requireNonNull(principal, "principal")));
    }

    /** {@code host:port}, as in the znode's name and {@code hive.server2.instance.uri}. */
    public String instanceUri() {
        return host + ":" + port;
    }

    /**
     * The znode data HiveServer2 writes, in its key order, for example
     * {@code hive.server2.instance.uri=h:1;hive.server2.thrift.bind.host=h;hive.server2.transport.mode=binary;
     * hive.server2.thrift.port=1;hive.server2.thrift.sasl.qop=auth;hive.server2.authentication=NONE;
     * hive.server2.use.SSL=false}.
     */
    public String znodeData() {
        return publishedProperties().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(";"));
    }

    /**
     * Reads a server's znode data: Hive's {@code key=value;} pairs, or a legacy {@code host:port}.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static HiveServerEndpoint fromZnodeData(String data) {
        Matcher pair = PAIR.matcher(data);
        if (!pair.find()) {
            return fromLegacyData(data);
        }
        Map<String, String> published = new LinkedHashMap<>();
        do {
            published.put(pair.group(1), pair.group(2));
        } while (pair.find());
        return fromPublishedProperties(published);
    }

    /**
     * A direct URL, {@code jdbc:hive2://host:port/database;...}, carrying what the stock driver would
     * have taken from the znode (transport, HTTP path, TLS, QOP, NOSASL, principal) followed by
     * {@code sessionParameters}, whose values win as they do in a discovery URL.
     *
     * @param database the database, or empty for the server's default
     * @param sessionParameters more {@code ;name=value} parameters, for example {@code fetchSize}
     * @throws IllegalArgumentException for a database or parameter that would break the URL's structure
     */
    public String jdbcUrl(String database, Map<String, String> sessionParameters) {
        List<String> problems = new ArrayList<>();
        if (!isUrlSafe(database) || database.contains("/")) {
            problems.add("database '" + database + "' may not contain ';', '?', '#', '=', '/' or whitespace");
        }
        sessionParameters.forEach((name, value) -> {
            if (name.isEmpty() || !isUrlSafe(name) || !isUrlSafe(value)) {
                problems.add("session parameter '" + name + "=" + value + "': names and values may not be empty or contain "
                        + "';', '?', '#', '=' or whitespace");
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Cannot build a HiveServer2 JDBC URL: " + String.join("; ", problems));
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        if (transportMode == HiveTransportMode.HTTP) {
            parameters.put("transportMode", transportMode.hiveName());
            parameters.put("httpPath", httpPath);
        }
        if (ssl) {
            parameters.put("ssl", "true");
        }
        if (transportMode == HiveTransportMode.BINARY && !DEFAULT_QOP.equals(saslQop)) {
            parameters.put("saslQop", saslQop);
        }
        if ("NOSASL".equalsIgnoreCase(authentication)) {
            parameters.put("auth", "noSasl");
        }
        kerberosPrincipal.ifPresent(p -> parameters.put("principal", p));
        parameters.putAll(sessionParameters);
        StringBuilder url = new StringBuilder("jdbc:hive2://").append(instanceUri()).append('/').append(database);
        parameters.forEach((name, value) -> url.append(';').append(name).append('=').append(value));
        return url.toString();
    }

    /** The published keys and values in HiveServer2's order. */
    Map<String, String> publishedProperties() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(INSTANCE_URI, instanceUri());
        out.put(BIND_HOST, host);
        out.put(TRANSPORT_MODE, transportMode.hiveName());
        if (transportMode == HiveTransportMode.HTTP) {
            out.put(HTTP_PORT, Integer.toString(port));
            out.put(HTTP_PATH, httpPath);
        } else {
            out.put(THRIFT_PORT, Integer.toString(port));
            out.put(SASL_QOP, saslQop);
        }
        out.put(AUTHENTICATION, authentication);
        kerberosPrincipal.ifPresent(p -> out.put(KERBEROS_PRINCIPAL, p));
        out.put(USE_SSL, Boolean.toString(ssl));
        return out;
    }

    /**
     * An endpoint from published keys, reading them as the stock driver does: the host from
     * {@code thrift.bind.host}, the port from the transport's port key, with
     * {@code hive.server2.instance.uri} as the fallback for both.
     */
    static HiveServerEndpoint fromPublishedProperties(Map<String, String> published) {
        HiveTransportMode mode = HiveTransportMode.fromHiveName(published.getOrDefault(TRANSPORT_MODE, "binary"));
        String uri = published.get(INSTANCE_URI);
        String uriHost = null;
        String uriPort = null;
        if (uri != null) {
            int colon = uri.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(INSTANCE_URI + " '" + uri + "' is not host:port");
            }
            uriHost = uri.substring(0, colon);
            uriPort = uri.substring(colon + 1);
        }
        String host = published.get(BIND_HOST);
        if (host == null || host.isBlank()) {
            host = uriHost;
        }
        String portKey = mode == HiveTransportMode.HTTP ? HTTP_PORT : THRIFT_PORT;
        String port = published.getOrDefault(portKey, uriPort);
        if (host == null || port == null) {
            throw new IllegalArgumentException("no " + (host == null ? BIND_HOST : portKey) + " and no " + INSTANCE_URI
                    + " to take the " + (host == null ? "host" : "port") + " from");
        }
        String ssl = published.getOrDefault(USE_SSL, "false");
        if (!ssl.equalsIgnoreCase("true") && !ssl.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(USE_SSL + " '" + ssl + "' is neither true nor false");
        }
        return new HiveServerEndpoint(host, portNumber(portKey, port), mode,
                mode == HiveTransportMode.HTTP ? published.getOrDefault(HTTP_PATH, DEFAULT_HTTP_PATH) : "",
                Boolean.parseBoolean(ssl), published.getOrDefault(SASL_QOP, DEFAULT_QOP),
                published.getOrDefault(AUTHENTICATION, DEFAULT_AUTHENTICATION),
                Optional.ofNullable(published.get(KERBEROS_PRINCIPAL)));
    }

    /** Everything wrong with these fields, each naming its field; empty when they make a valid endpoint. */
    static List<String> problems(String host, int port, HiveTransportMode transportMode, String httpPath, String saslQop,
            String authentication, Optional<String> kerberosPrincipal) {
        List<String> problems = new ArrayList<>();
        if (host == null || host.isBlank()) {
            problems.add("host: is empty");
        } else if (host.contains(":")) {
            problems.add("host '" + host + "': IPv6 literals do not fit Hive's serverUri=host:port; use a host name");
        } else if (!isUrlSafe(host) || host.contains("/") || host.contains(",")) {
            problems.add("host '" + host + "': may not contain ';', '?', '#', '=', '/', ',' or whitespace");
        }
        if (port < 1 || port > 65535) {
            problems.add("port: " + port + " is not a TCP port (1 to 65535)");
        }
        if (transportMode == HiveTransportMode.HTTP && (httpPath == null || httpPath.isBlank())) {
            problems.add("httpPath: is empty; http transport needs one (HiveServer2's default is " + DEFAULT_HTTP_PATH + ")");
        } else if (httpPath != null && !isUrlSafe(httpPath)) {
            problems.add("httpPath '" + httpPath + "': may not contain ';', '?', '#', '=' or whitespace");
        }
        if (saslQop == null || !List.of("auth", "auth-int", "auth-conf").contains(saslQop.toLowerCase(Locale.ROOT))) {
            problems.add("saslQop '" + saslQop + "': expected auth, auth-int or auth-conf");
        }
        if (authentication == null || !AUTHENTICATION_VALUE.matcher(authentication).matches()) {
            problems.add("authentication '" + authentication + "': expected a HiveServer2 authentication such as NONE, "
                    + "NOSASL, KERBEROS or LDAP");
        }
        kerberosPrincipal.filter(p -> p.isBlank() || !isUrlSafe(p))
                .ifPresent(p -> problems.add("kerberosPrincipal '" + p + "': may not be empty or contain ';', '?', '#', "
                        + "'=' or whitespace"));
        return problems;
    }

    private static HiveServerEndpoint fromLegacyData(String data) {
        String[] split = data.split(":");
        try {
            if (split.length == 2) {
                return binary(split[0], portNumber("port", split[1]));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("neither key=value pairs nor a legacy host:port (" + e.getMessage() + "): '"
                    + abbreviated(data) + "'", e);
        }
        throw new IllegalArgumentException("neither key=value pairs nor a legacy host:port: '" + abbreviated(data) + "'");
    }

    private static int portNumber(String key, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " '" + value + "' is not a number", e);
        }
    }

    private static String abbreviated(String data) {
        return data.length() <= 80 ? data : data.substring(0, 80) + "...";
    }

    static boolean isUrlSafe(String text) {
        return text != null && text.chars().noneMatch(c -> c == ';' || c == '?' || c == '#' || c == '=' || Character.isWhitespace(c));
    }
}
