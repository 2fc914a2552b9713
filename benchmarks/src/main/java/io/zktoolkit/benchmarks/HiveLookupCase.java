package io.zktoolkit.benchmarks;

import io.zktoolkit.discovery.hive.HiveServerResolver;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.Properties;

/**
 * The ZooKeeper lookup part of a connect alone: from a discovery request to the server's direct
 * address, without opening the Thrift transport. The stock side is the driver's own code,
 * {@code org.apache.hive.jdbc.Utils.parseURL(url, info)}, which {@code HiveConnection} calls first
 * (a new Curator client and ZooKeeper session, list, read, close), called reflectively so this
 * module does not compile against the driver. The toolkit side picks from the resolver's cached
 * view and builds the direct URL.
 */
public final class HiveLookupCase extends SampledCase {
    /** Toolkit lookups per trial: one costs well under a microsecond, too little to time alone. */
    private static final int TOOLKIT_LOOKUPS = 10_000;
    private static final int STOCK_LOOKUPS = 5;

    private HiveServerResolver resolver;
    private String stockUrl;
    private MethodHandle parseUrl;
    /** Every URL built ends up here, so the JIT cannot drop a lookup. */
    private long consumed;

    /** 3 warmups and 15 trials per side. */
    public HiveLookupCase() {
        super("µs per lookup", Direction.LOWER_IS_BETTER, 3, 15);
    }

    @Override
    public String name() {
        return "HiveServer2 lookup in ZooKeeper alone, one server registered";
    }





    @Override
    public void setUp() throws Exception {
        HiveBenchWorld world = HiveBenchWorld.shared();
        resolver = world.resolver(HiveBenchWorld.LIVE);
        stockUrl = world.stockUrl(HiveBenchWorld.LIVE);
        Class<?> utils = Class.forName("org.apache.hive.jdbc.Utils");
        parseUrl = MethodHandles.publicLookup().findStatic(utils, "parseURL",
                MethodType.methodType(Class.forName("org.apache.hive.jdbc.Utils$JdbcConnectionParams"), String.class,
                        Properties.class));
    }

    @Override
    public void tearDown() {
        if (resolver != null) {
            resolver.close();
        }
    }

    @Override
    public Side toolkit() {
        return new Side("resolver.select() + direct URL, " + TOOLKIT_LOOKUPS + " per trial, from the cached view",
                () -> {
                    long start = System.nanoTime();
                    for (int i = 0; i < TOOLKIT_LOOKUPS; i++) {
                        consumed += resolver.select().orElseThrow().jdbcUrl(HiveBenchWorld.DATABASE, Map.of()).length();
                    }
                    return (System.nanoTime() - start) / 1_000.0 / TOOLKIT_LOOKUPS;
                });
    }

    @Override
    public Side baseline() {
        return new Side("stock hive-jdbc 4.0.1: Utils.parseURL(discovery URL, info), " + STOCK_LOOKUPS + " per trial: "
                + "a new ZooKeeper session, getChildren, getData, close", () -> {
                    long start = System.nanoTime();
                    for (int i = 0; i < STOCK_LOOKUPS; i++) {
                        try {
                            consumed += parseUrl.invoke(stockUrl, new Properties()).hashCode();
                        } catch (Throwable e) {
                            throw e instanceof Exception ex ? ex : new IllegalStateException(e);
                        }
                    }
                    return (System.nanoTime() - start) / 1_000.0 / STOCK_LOOKUPS;
                });
    }
}
