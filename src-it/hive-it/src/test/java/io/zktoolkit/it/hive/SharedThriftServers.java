package io.zktoolkit.it.hive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Two Thrift Servers shared by the test classes of this Failsafe JVM, so that the module pays for
 * one start of a pair (about 35 s on 2 cores, both at once) rather than one or two starts per class.
 *
 * <p>A class registers this extension ({@code @ExtendWith(SharedThriftServers.class)}) and takes a
 * {@link Pair} parameter in its {@code @BeforeAll} method. The servers live in the root context's
 * store: they are killed and their folder deleted when the whole run ends, not when a class ends.
 * A class may kill a server; the next class that asks for the pair gets a fresh server in its
 * place, so a kill costs one start and never hands a dead server on. Classes that kill run after
 * the others ({@link #KILLS_ONE}, {@link #KILLS_BOTH}; junit-platform.properties orders classes by
 * {@code @Order}), so the whole run needs one restart.
 *
 * <p>What sharing asks of a class: table and database names of its own (each server has one
 * metastore for everybody), sessions closed, and registrations of the servers only in its own
 * ZooKeeper (every {@code ToolkitClient} with the embedded default starts its own).
 */
final class SharedThriftServers implements ParameterResolver {
    /** {@code @Order} of a class that kills one of the servers: after the classes that only use them. */
    static final int KILLS_ONE = Order.DEFAULT + 1;
    /** {@code @Order} of a class that kills both servers: last. */
    static final int KILLS_BOTH = Order.DEFAULT + 2;

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedThriftServers.class);

    /** The two servers as one class receives them; both alive when handed over. */
    record Pair(ThriftServer first, ThriftServer second) {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Pair.class;
    }

    @Override
    public Pair resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Servers.class).alive();
    }

    /** The pair and its folder; JUnit closes it with the root context. */
    static final class Servers implements ExtensionContext.Store.CloseableResource {
        private final Path scratch;
        private ThriftServer first;
        private ThriftServer second;
        /** Numbers each server's folder, so a replacement never reuses a killed server's metastore. */
        private int started;

        Servers() {
            try {
                scratch = Files.createTempDirectory("hive-it-thriftservers-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The pair, after starting (both at once) whichever is missing or dead. */
        synchronized Pair alive() {
            CompletableFuture<ThriftServer> a = aliveOrStart(first, "first");
            CompletableFuture<ThriftServer> b = aliveOrStart(second, "second");
            try {
                CompletableFuture.allOf(a, b).join();
            } catch (CompletionException e) {
                // Neither is left running unowned: the one that did start is closed too.
                Stream.of(a, b).filter(f -> !f.isCompletedExceptionally()).forEach(f -> f.join().close());
                first = null;
                second = null;
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            first = a.join();
            second = b.join();
            return new Pair(first, second);
        }

        private CompletableFuture<ThriftServer> aliveOrStart(ThriftServer server, String role) {
            if (server != null && server.isAlive()) {
                return CompletableFuture.completedFuture(server);
            }
            if (server != null) {
                server.close(); // killed by a test: collect its process and output reader
            }
            Path dir = scratch.resolve(role + "-" + ++started);
            return CompletableFuture.supplyAsync(() -> ThriftServer.start(dir));
        }

        @Override
        public synchronized void close() throws IOException {
            try {
                for (ThriftServer server : new ThriftServer[] {first, second}) {
                    if (server != null) {
                        server.close();
                    }
                }
            } finally {
                try (Stream<Path> all = Files.walk(scratch)) {
                    for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(path);
                    }
                }
            }
        }
    }
}
