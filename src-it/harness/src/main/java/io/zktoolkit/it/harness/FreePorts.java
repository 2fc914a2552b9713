package io.zktoolkit.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out free TCP ports on the loopback address.
 *
 * <p>A port is only known to be free at the moment it is probed; another process may still take it
 * before the caller binds. Callers must therefore tolerate a bind failure and retry with new ports.
 */
public final class FreePorts {

    private static final int MAX_PROBES = 100;

    /** The kernel may hand the same ephemeral port out again once it is closed; never reuse one here. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    /**
     * Returns a port on 127.0.0.1 that was free when probed and was not returned before in this JVM.
     *
     * @return a port number
     * @throws IllegalStateException if no such port was found after many probes
     */
    public static synchronized int next() {
        for (int probe = 0; probe < MAX_PROBES; probe++) {
            int port = probe();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("No unused loopback port found after " + MAX_PROBES + " probes");
    }

    private static int probe() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open a loopback socket", e);
        }
    }
}
