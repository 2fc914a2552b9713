package io.zktoolkit.config.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed PKCS12 key pairs and truststores made with the JDK's own {@code keytool}, for tests
 * against a ZooKeeper server that serves TLS. Certificates name {@code localhost} and
 * {@code 127.0.0.1}, so hostname verification passes on the loopback address.
 */
public final class TlsStores {
    private final Path dir;
    private final String password;

    /** Stores in {@code dir}, all protected by {@code password}. */
    public TlsStores(Path dir, String password) {
        this.dir = dir;
        this.password = password;
    }

    /** A new key pair with a self-signed certificate for {@code name}, in {@code <name>.p12}. */
    public Path keyPair(String name) throws Exception {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", password, "-keypass", password);
        return store;
    }

    /** A truststore {@code <name>.p12} holding the certificates of the given key pairs. */
    public Path trustStore(String name, Path... keyPairs) throws Exception {
        Path store = dir.resolve(name + ".p12");
        for (Path keyPair : keyPairs) {
            String alias = keyPair.getFileName().toString().replace(".p12", "");
            Path cert = dir.resolve(alias + ".crt");
            if (!cert.toFile().exists()) {
                keytool("-exportcert", "-keystore", keyPair.toString(), "-storepass", password, "-alias", alias,
                        "-file", cert.toString());
            }
            keytool("-importcert", "-noprompt", "-alias", alias, "-file", cert.toString(), "-storetype", "PKCS12",
                    "-keystore", store.toString(), "-storepass", password);
        }
        return store;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
        }
    }
}
