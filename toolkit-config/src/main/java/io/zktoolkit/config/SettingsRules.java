package io.zktoolkit.config;

import io.zktoolkit.config.settings.SettingsException.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Rules that span several keys; each problem names the key to change. */
final class SettingsRules {
    private SettingsRules() {
    }

    static List<Problem> check(ToolkitSettings s) {
        List<Problem> problems = new ArrayList<>();
        if (s.aclMode().needsAuthentication() && s.find(ToolkitKeys.AUTH_DIGEST).isEmpty()) {
            problems.add(new Problem(ToolkitKeys.ACL.name(), ToolkitSettings.format(s.aclMode())
                    + " needs " + ToolkitKeys.AUTH_DIGEST.name() + " (user:password), so that the creator is known; "
                    + "set it or use zk.acl=open"));
        }
        if (s.connectionTimeout().compareTo(s.sessionTimeout()) > 0) {
            problems.add(new Problem(ToolkitKeys.CONNECTION_TIMEOUT.name(), ToolkitSettings.format(s.connectionTimeout())
                    + " is longer than " + ToolkitKeys.SESSION_TIMEOUT.name() + " ("
                    + ToolkitSettings.format(s.sessionTimeout()) + "); expected at most the session timeout"));
        }
        if (s.get(ToolkitKeys.RETRY_BASE_SLEEP).compareTo(s.get(ToolkitKeys.RETRY_MAX_SLEEP)) > 0) {
            problems.add(new Problem(ToolkitKeys.RETRY_BASE_SLEEP.name(), "is longer than "
                    + ToolkitKeys.RETRY_MAX_SLEEP.name() + "; expected at most the maximum sleep"));
        }
        int port = s.get(ToolkitKeys.EMBEDDED_PORT);
        int servers = s.get(ToolkitKeys.EMBEDDED_SERVERS);
        if (port > 0 && port + servers - 1 > 65535) {
            problems.add(new Problem(ToolkitKeys.EMBEDDED_PORT.name(), port + " leaves no room for " + servers
                    + " servers' ports; expected at most " + (65536 - servers)));
        }
        if (s.tlsEnabled()) {
            checkTls(s, problems);
        }
        return problems;
    }

    private static void checkTls(ToolkitSettings s, List<Problem> problems) {
        if (s.isEmbedded()) {
            problems.add(new Problem(ToolkitKeys.TLS_ENABLED.name(), "TLS needs an external ensemble in "
                    + ToolkitKeys.CONNECT.name() + "; the embedded server listens without TLS"));
        }
        if (s.find(ToolkitKeys.TLS_TRUSTSTORE_PATH).isEmpty()) {
            problems.add(new Problem(ToolkitKeys.TLS_TRUSTSTORE_PATH.name(),
                    "is required when zk.tls.enabled=true: the truststore holding the ensemble's CA certificate"));
        }
        s.find(ToolkitKeys.TLS_TRUSTSTORE_PATH).ifPresent(p -> checkReadable(ToolkitKeys.TLS_TRUSTSTORE_PATH.name(), p, problems));
        s.find(ToolkitKeys.TLS_KEYSTORE_PATH).ifPresent(p -> checkReadable(ToolkitKeys.TLS_KEYSTORE_PATH.name(), p, problems));
    }

    private static void checkReadable(String key, Path path, List<Problem> problems) {
        if (!Files.isRegularFile(path)) {
            problems.add(new Problem(key, "file " + path.toAbsolutePath() + " does not exist or is not a file"));
        } else if (!Files.isReadable(path)) {
            problems.add(new Problem(key, "file " + path.toAbsolutePath() + " cannot be read"));
        }
    }
}
