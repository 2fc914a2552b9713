package io.zktoolkit.locks;

import io.zktoolkit.config.settings.StrictUtf8;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Who holds or waits for a lock: written into the lock node so that an operator can see which
 * host, process and job it is without asking around.
 *
 * @param host the holder's host name
 * @param pid the holder's process id
 * @param job the job's name ({@code zktoolkit.job.name} system property, else the main class)
 */
public record Holder(String host, long pid, String job) {

    /** This process, for a job of the given name. */
    public static Holder current(String job) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return new Holder(host, ProcessHandle.current().pid(), job);
    }

    /** This process, its job named by {@code zktoolkit.job.name} or the command that started it. */
    public static Holder current() {
        String job = System.getProperty("zktoolkit.job.name");
        if (job == null) {
            String command = System.getProperty("sun.java.command", "unknown");
            job = command.isBlank() ? "unknown" : command.split(" ")[0];
        }
        return current(job);
    }

    byte[] encode() {
        return ("host=" + host + "\npid=" + pid + "\njob=" + job).getBytes(StandardCharsets.UTF_8);
    }

    /** Reads a node's data; nodes made by other tools (no, foreign or non-UTF-8 data) come back as unknown. */
    static Holder decode(byte[] data) {
        String host = "unknown";
        long pid = -1;
        String job = "unknown";
        String text;
        try {
            text = data == null ? "" : StrictUtf8.decode(data);
        } catch (CharacterCodingException e) {
            text = "";   // replaced bytes would show a holder that does not exist
        }
        if (!text.isEmpty()) {
            for (String line : text.split("\n")) {
                if (line.startsWith("host=")) {
                    host = line.substring(5);
                } else if (line.startsWith("pid=")) {
                    try {
                        pid = Long.parseLong(line.substring(4));
                    } catch (NumberFormatException e) {
                        pid = -1;
                    }
                } else if (line.startsWith("job=")) {
                    job = line.substring(4);
                }
            }
        }
        return new Holder(host, pid, job);
    }

    @Override
    public String toString() {
        return job + " (pid " + pid + " on " + host + ")";
    }
}
