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

    /**
     * Returns a port below the kernel's ephemeral range that was free when probed, for a server that
     * runs inside a test JVM. A port from the ephemeral range (what {@link #next()} and Curator's own
     * picks return) can be taken by any outgoing connection before the server binds it; below the
     * range only another server can take it.
     *
     * @return a port number
     * @throws IllegalStateException if no such port was found after many probes
     */
    public static synchronized int nextBelowEphemeralRange() {
        int low = ephemeralRangeStart();
        int floor = Math.min(10_000, low / 2);
        for (int probe = 0; probe < MAX_PROBES; probe++) {
            int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(floor, low);
            if (!HANDED_OUT.contains(port) && isFree(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IllegalStateException("No free loopback port below " + low + " found after " + MAX_PROBES + " probes");
    }

    private static int ephemeralRangeStart() {
        try {
            // Read as a stream: /proc reports a size that Files.readString trusts and cuts the text to.
            String range;
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
                range = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
            }
            int start = Integer.parseInt(range.split("\\s+")[0]);
            return start > 1024 ? start : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;   // Linux's default start
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int probe() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open a loopback socket", e);
        }
    }
}
