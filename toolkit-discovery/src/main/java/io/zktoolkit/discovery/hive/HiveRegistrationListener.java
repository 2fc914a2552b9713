package io.zktoolkit.discovery.hive;

/**
 * Hears what a {@link HiveServerRegistrar} does with its znode, for a server that wants to log it
 * or, in active/passive HA, to refuse new sessions while it is a standby (as HiveServer2 does).
 */
public interface HiveRegistrationListener {
    /**
     * The registration znode was created: at start, and again after a lost session took it away.
     *
     * @param path the znode's full path from the ensemble's root
     */
    void registered(String path);

    /**
     * Active/passive HA only: this server became the one clients are sent to ({@code true}), or a
     * standby ({@code false}).
     */
    default void activeChanged(boolean active) {
    }
}
