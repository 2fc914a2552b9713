package io.zktoolkit.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Input for the transform job, laid out as Sqoop's text import writes it: part files, a _SUCCESS marker, a hidden .crc. */
final class SqoopTextFiles {
    private SqoopTextFiles() {
    }

    /**
     * Two tables: {@code orders} (5 rows, 4 distinct ids: id 2 was imported twice, one null amount;
     * amounts sum to 41.75) and {@code customers} (2 rows, amounts 1.00 and 2.50).
     *
     * @return the input folder
     */
    static Path write(Path dir) throws IOException {
        Path input = dir.resolve("imports");
        Path orders = Files.createDirectories(input.resolve("orders"));
        Files.writeString(orders.resolve("part-m-00000"), """
                1\talice\t10.50\t2024-01-01 10:00:00.0
                2\tbob\t5.25\t2024-01-02 11:00:00.0
                3\tcarol\tnull\t2024-01-03 12:00:00.0
                """);
        // A re-run incremental import appended id 2 again.
        Files.writeString(orders.resolve("part-m-00001"), """
                2\tbob\t5.25\t2024-01-02 11:00:00.0
                4\tdan\t20.75\t2024-01-04 13:00:00.0
                """);
        Files.writeString(orders.resolve("_SUCCESS"), "");
        // Skipped like every file starting with '.' or '_': its line would change every total.
        Files.writeString(orders.resolve(".part-m-00000.crc"), "99\tnot-a-row\t1000.00\t2024-01-01 00:00:00.0\n");
        Path customers = Files.createDirectories(input.resolve("customers"));
        Files.writeString(customers.resolve("part-m-00000"), """
                7\terin\t1.00\t2024-02-01 09:00:00.0
                8\tfrank\t2.50\t2024-02-02 09:00:00.0
                """);
        return input;
    }
}
