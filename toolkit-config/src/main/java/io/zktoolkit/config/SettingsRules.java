package io.zktoolkit.config;

import io.zktoolkit.config.settings.Secret;
import io.zktoolkit.config.settings.SettingKey;
import io.zktoolkit.config.settings.SettingsException.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.common.KeyStoreFileType;
import org.apache.zookeeper.common.X509Util;

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
        s.find(ToolkitKeys.TLS_TRUSTSTORE_PATH).ifPresent(p -> checkStore(s, ToolkitKeys.TLS_TRUSTSTORE_PATH, p,
                ToolkitKeys.TLS_TRUSTSTORE_PASSWORD, ToolkitKeys.TLS_TRUSTSTORE_TYPE, true, problems));
        s.find(ToolkitKeys.TLS_KEYSTORE_PATH).ifPresent(p -> checkStore(s, ToolkitKeys.TLS_KEYSTORE_PATH, p,
                ToolkitKeys.TLS_KEYSTORE_PASSWORD, ToolkitKeys.TLS_KEYSTORE_TYPE, false, problems));
    }

    /**
     * Opens the store the way ZooKeeper will, so that a wrong password or type is reported here,
     * naming the key, instead of as a connection that never comes up.
     */
    private static void checkStore(ToolkitSettings s, SettingKey<Path> pathKey, Path path, SettingKey<Secret> passwordKey,
            SettingKey<String> typeKey, boolean trustStore, List<Problem> problems) {
        if (!checkReadable(pathKey.name(), path, problems)) {
            return;
        }
        String file = path.toAbsolutePath().toString();
        String password = s.find(passwordKey).map(Secret::reveal).orElse(null);
        String type = s.find(typeKey).orElse(null);
        try {
            if (trustStore) {
                X509Util.loadTrustStore(file, password, type);
            } else {
                X509Util.loadKeyStore(file, password, type);
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            problems.add(new Problem(pathKey.name(), "file " + file + " cannot be opened as "
                    + (type != null ? type : storeTypeFromName(file)) + " with "
                    + passwordKey.name() + " (" + describe(e) + "); check " + passwordKey.name() + " and "
                    + typeKey.name() + " (PKCS12, JKS or PEM)"));
        }
    }

    private static String storeTypeFromName(String file) {
        try {
            return KeyStoreFileType.fromFilename(file).getPropertyValue() + " (from its name)";
        } catch (IllegalArgumentException e) {
            return "a store (its name suggests no type)";
        }
    }

    private static String describe(Throwable e) {
        StringBuilder why = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !why.toString().contains(c.getMessage())) {
                why.append(": ").append(c.getMessage());
            }
        }
        return why.toString();
    }

    private static boolean checkReadable(String key, Path path, List<Problem> problems) {
        if (!Files.isRegularFile(path)) {
            problems.add(new Problem(key, "file " + path.toAbsolutePath() + " does not exist or is not a file"));
            return false;
        } else if (!Files.isReadable(path)) {
            problems.add(new Problem(key, "file " + path.toAbsolutePath() + " cannot be read"));
            return false;
        }
        return true;
    }
}
