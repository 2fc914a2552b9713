package io.zktoolkit.it.harness;

import java.util.List;

/**
 * Spark's Java 17 module options, as spark-submit adds them ({@code org.apache.spark.launcher.JavaModuleOptions});
 * a plain {@code java} command gets none, and Spark's serializers and off-heap code then fail. For
 * child JVMs running Spark 3.5 or 4 (the Thrift Server, Spark drivers): {@code builder.jvmOptions(...)}.
 */
public final class SparkModuleOptions {
    /** The options, in spark-submit's order. */
    public static final List<String> ALL = List.of(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false");

    private SparkModuleOptions() {
    }
}
