package io.zktoolkit.config.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.it.harness.ChildJvm;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A job killed by its scheduler (SIGTERM) must not leave folders or listening servers behind. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EmbeddedShutdownTest {
    @TempDir
    Path tmp;

    @Test
    void jvmShutdownStopsTheEmbeddedQuorumAndDeletesItsFolders() throws Exception {
        try (ChildJvm job = ChildJvm.builder(EmbeddedQuorumHolder.class.getName())
                .name("embedded-holder")
                .jvmOption("-Xmx256m")
                .systemProperty("java.io.tmpdir", tmp.toString())
                .start()) {
            String ready = job.awaitLine(l -> l.startsWith("READY "), Duration.ofSeconds(60));
            String[] servers = ready.substring("READY ".length()).split(",");
            assertThat(servers).hasSize(3);
            try (Stream<Path> made = Files.list(tmp)) {
                assertThat(made.map(p -> p.getFileName().toString()))
                        .anyMatch(n -> n.startsWith("zktoolkit-embedded-data"))
                        .anyMatch(n -> n.startsWith("zktoolkit-embedded-conf"));
            }
            for (String server : servers) {
                assertThat(listening(server)).as(server + " listens while the job runs").isTrue();
            }

            job.terminate();

            assertThat(job.isAlive()).isFalse();
            try (Stream<Path> left = Files.list(tmp)) {
                assertThat(left.map(p -> p.getFileName().toString()))
                        .noneMatch(n -> n.startsWith("zktoolkit-embedded"));
            }
            for (String server : servers) {
                assertThat(listening(server)).as(server + " after shutdown").isFalse();
            }
        }
    }

    private static boolean listening(String hostPort) {
        String[] parts = hostPort.split(":");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(parts[0], Integer.parseInt(parts[1])), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
