package io.zktoolkit.locks;

import io.zktoolkit.config.settings.StrictUtf8;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Who led an election group last, left in ZooKeeper by each leader as it takes over, so the next
 * leader knows whom to fence or clean up after (as Hadoop's failover controller does).
 *
 * @param participantId the previous leader's id
 * @param token its fencing token
 * @param since when it became leader
 */
public record Breadcrumb(String participantId, long token, Instant since) {

    byte[] encode() {
        return (participantId + "\n" + token + "\n" + since.toEpochMilli()).getBytes(StandardCharsets.UTF_8);
    }

    static Breadcrumb decode(String path, byte[] data) {
        String text;
        try {
            text = StrictUtf8.decode(data);
        } catch (CharacterCodingException e) {
            // A participant id with replaced bytes would name someone else, who might then be fenced.
            throw notABreadcrumb(path, "its " + data.length + " bytes are not UTF-8 text");
        }
        String[] parts = text.split("\n", -1);
        try {
            if (parts.length == 3) {
                return new Breadcrumb(parts[0], Long.parseLong(parts[1]), Instant.ofEpochMilli(Long.parseLong(parts[2])));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw notABreadcrumb(path, "it may have been written by another tool");
    }

    private static IllegalStateException notABreadcrumb(String path, String why) {
        return new IllegalStateException("Breadcrumb " + path + " is not a ZK Toolkit breadcrumb (participant, token, time"
                + " on three lines); " + why);
    }
}
