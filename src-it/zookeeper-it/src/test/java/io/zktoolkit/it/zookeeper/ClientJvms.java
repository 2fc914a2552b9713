package io.zktoolkit.it.zookeeper;

import io.zktoolkit.it.harness.ChildJvm;

/**
 * Child JVMs for ZooKeeper clients of these tests (lock clients, fleet workers): small and cheap to
 * start, since several run beside a 3-server ensemble on a shared 2-core machine.
 */
final class ClientJvms {
    private ClientJvms() {
    }

    /** A builder for {@code mainClass} named {@code name}: 128 MB heap, serial GC, C1 only (clients live for seconds to minutes). */
    static ChildJvm.Builder builder(Class<?> mainClass, String name) {
        return ChildJvm.builder(mainClass.getName())
                .name(name)
                .jvmOption("-Xmx128m")
                .jvmOption("-XX:+UseSerialGC")
                .jvmOption("-XX:TieredStopAtLevel=1");
    }
}
