package io.zktoolkit.it.hive.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SQLContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;

/**
 * A real HiveServer2-protocol server for tests: the Spark 3.5 Thrift Server over a local
 * SparkSession with Hive support, a Derby metastore and a warehouse under one scratch folder.
 *
 * <p>Usage: {@code ThriftServerMain <port> <scratch-dir>}. Binds the binary Thrift transport to
 * 127.0.0.1 on the given port with authentication NONE, runs {@code SHOW DATABASES} once (which
 * creates the Derby schema, the slow part of the start), prints {@code READY <port>} and then
 * runs until killed. Launch it with SPARK_LOCAL_IP=127.0.0.1 in the environment, an absolute
 * scratch folder, {@code -Djava.io.tmpdir} inside it, and Spark's Java 17 {@code --add-opens}.
 */
public final class ThriftServerMain {

    private ThriftServerMain() {
    }

    public static void main(String[] args) throws Exception {
        // Whoever started it (a test, the launcher) may die by kill -9: a server left behind holds 550 MB and a port.
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
        if (args.length != 2) {
            System.err.println("usage: ThriftServerMain <port> <scratch-dir>");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path scratch = Path.of(args[1]).toAbsolutePath();
        Path warehouse = Files.createDirectories(scratch.resolve("warehouse"));
        Path local = Files.createDirectories(scratch.resolve("spark-local"));
        // derby.log goes to the scratch folder. derby.system.home must stay unset: with it set, every
        // session after the first concurrent one fails to open (Spark's execution client uses an
        // in-memory Derby URL, jdbc:derby:memory:;databaseName=..., which Derby then resolves against
        // derby.system.home and refuses with XBM0J "Directory ... already exists"). Unset, Derby's
        // home is the working directory, which the launcher sets to the scratch folder.
        System.setProperty("derby.stream.error.file", scratch.resolve("derby.log").toString());

        long start = System.nanoTime();
        SparkSession spark = SparkSession.builder()
                .appName("zktoolkit-hive-thriftserver")
                .master("local[2]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.local.dir", local.toString())
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.warehouse.dir", warehouse.toUri().toString())
                .config("spark.hadoop.javax.jdo.option.ConnectionURL",
                        "jdbc:derby:;databaseName=" + scratch.resolve("metastore_db") + ";create=true")
                .enableHiveSupport()
                .getOrCreate();

        SQLContext sqlContext = spark.sqlContext();
        // HiveThriftServer2 builds its HiveConf from the session's Hadoop conf, which carries these.
        sqlContext.setConf("hive.server2.transport.mode", "binary");
        sqlContext.setConf("hive.server2.thrift.bind.host", "127.0.0.1");
        sqlContext.setConf("hive.server2.thrift.port", Integer.toString(port));
        sqlContext.setConf("hive.server2.authentication", "NONE");
        sqlContext.setConf("hive.server2.enable.doAs", "false");
        sqlContext.setConf("hive.server2.thrift.min.worker.threads", "2");
        HiveThriftServer2.startWithContext(sqlContext);

        // The first query creates the Derby metastore schema (10-20 s); do it before announcing.
        List<Row> databases = spark.sql("SHOW DATABASES").collectAsList();
        System.out.println("databases: " + databases);
        System.out.println("spark.version=" + spark.version() + " started in "
                + (System.nanoTime() - start) / 1_000_000 + " ms");
        System.out.println("READY " + port);
        System.out.flush();

        new CountDownLatch(1).await();
    }
}
