package io.zktoolkit.config.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on an embedded ensemble's data folder, held while the ensemble runs. Two
 * ZooKeeper servers writing one transaction log corrupt it, and ZooKeeper does not check, so the
 * second process to start on a folder is refused, with the first one's pid in the message.
 */
final class DataFolderLock implements AutoCloseable {
    private static final String FILE = "zktoolkit-embedded.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataFolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code folder}, creating it if needed.
     *
     * @throws EmbeddedStartException naming the folder and the holder's pid when another process holds it
     */
    static DataFolderLock acquire(Path folder) {
        Path file = folder.resolve(FILE);
        FileChannel channel = null;
        try {
            Files.createDirectories(folder);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
                channel.close();
                throw new EmbeddedStartException("The embedded ZooKeeper data folder " + folder + " is in use by another"
                        + " process (" + (holder.isEmpty() ? "pid unknown" : "pid " + holder) + "); two servers must never share"
                        + " one. Stop the other process, connect to it with zk.connect, or give this one its own"
                        + " zk.embedded.data.dir", null);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new DataFolderLock(channel, lock);
        } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // The lock failed already; this is only cleanup.
                }
            }
            throw new EmbeddedStartException("Could not lock the embedded ZooKeeper data folder " + folder
                    + (e instanceof java.nio.channels.OverlappingFileLockException ? ": this process already runs a server on it" : ": " + e),
                    e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // Closing the channel frees the lock in any case once the process ends.
        }
    }
}
