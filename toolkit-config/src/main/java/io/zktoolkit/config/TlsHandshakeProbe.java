package io.zktoolkit.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;
import org.apache.zookeeper.common.X509Exception;

/**
 * Explains a TLS connection that did not come up. ZooKeeper only logs a failed handshake and
 * retries until the connection timeout, so after that timeout this repeats one handshake with
 * the same TLS settings and turns its outcome into a sentence naming the key to change.
 */
final class TlsHandshakeProbe {
    private TlsHandshakeProbe() {
    }

    /** One sentence on why a TLS handshake with the first server fails, or empty when it does not. */
    static String explain(ToolkitSettings s, ZKClientConfig config, String connectString, int timeoutMs) {
        String hostPort = connectString.split(",")[0].trim();
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0 || hostPort.endsWith("]")) {
            return "";
        }
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1).replaceAll("/.*", ""));
        } catch (NumberFormatException e) {
            return "";
        }
        SSLContext context;
        try (ClientX509Util x509 = new ClientX509Util()) {
            context = x509.createSSLContext(config);
        } catch (X509Exception.SSLContextException | RuntimeException e) {
            return " The TLS settings cannot be used: " + describe(e) + "; check " + ToolkitKeys.TLS_KEYSTORE_PATH.name()
                    + " and " + ToolkitKeys.TLS_TRUSTSTORE_PATH.name() + ".";
        }
        int probeMs = Math.max(500, Math.min(timeoutMs, 5_000));
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(host, port), probeMs);
            plain.setSoTimeout(probeMs);
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, false)) {
                if (s.get(ToolkitKeys.TLS_HOSTNAME_VERIFICATION)) {
                    // ZooKeeper's trust manager checks the name only on its own connections; ask the JDK's here.
                    SSLParameters parameters = tls.getSSLParameters();
                    parameters.setEndpointIdentificationAlgorithm("HTTPS");
                    tls.setSSLParameters(parameters);
                }
                tls.startHandshake();
                // With TLS 1.3 a server that rejects our certificate says so only after the handshake.
                awaitRejection(tls.getInputStream());
                return " A TLS handshake with " + hostPort + " succeeds, so the TLS settings are not the cause.";
            }
        } catch (SSLException e) {
            return " The TLS handshake with " + hostPort + " fails: " + describe(e) + hint(s, e);
        } catch (IOException e) {
            return " " + hostPort + " cannot be reached for a TLS handshake: " + describe(e) + ".";
        }
    }

    private static void awaitRejection(InputStream in) throws IOException {
        try {
            in.read();
        } catch (SocketTimeoutException quiet) {
            // The server waits for ZooKeeper's connect request: it accepted us.
        }
    }

    private static String hint(ToolkitSettings s, Throwable e) {
        String text = describe(e).toLowerCase(Locale.ROOT);
        if (has(e, CertPathBuilderException.class) || has(e, CertPathValidatorException.class)
                || text.contains("pkix path")) {
            return ". The server's certificate is not trusted: " + ToolkitKeys.TLS_TRUSTSTORE_PATH.name() + " ("
                    + s.find(ToolkitKeys.TLS_TRUSTSTORE_PATH).map(p -> p.toAbsolutePath().toString()).orElse("unset")
                    + ") does not hold the certificate or CA that signed it.";
        }
        if (has(e, CertificateException.class) && (text.contains("subject alternative") || text.contains("hostname"))) {
            return ". The server's certificate does not name the host in " + ToolkitKeys.CONNECT.name() + "; connect by a"
                    + " name it holds, or set " + ToolkitKeys.TLS_HOSTNAME_VERIFICATION.name() + "=false.";
        }
        if (text.contains("bad_certificate") || text.contains("certificate_required") || text.contains("unknown_ca")
                || text.contains("certificate_unknown")) {
            return ". The server refused this client's certificate: "
                    + (s.find(ToolkitKeys.TLS_KEYSTORE_PATH).isEmpty()
                            ? "it requires one; set " + ToolkitKeys.TLS_KEYSTORE_PATH.name() + "."
                            : ToolkitKeys.TLS_KEYSTORE_PATH.name() + " ("
                                    + s.get(ToolkitKeys.TLS_KEYSTORE_PATH).toAbsolutePath()
                                    + ") holds a certificate the server does not trust.");
        }
        if (text.contains("unrecognized ssl message") || text.contains("plaintext")
                || text.contains("remote host terminated the handshake")) {
            // A plain ZooKeeper port reads the TLS hello as a bad request and hangs up.
            return ". The port does not serve TLS; use the ensemble's secureClientPort.";
        }
        return ".";
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return root == e || root.getMessage() == null || message.contains(root.getMessage()) ? message
                : message + " (" + root.getMessage() + ")";
    }
}
