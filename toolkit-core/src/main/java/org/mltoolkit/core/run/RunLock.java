package org.mltoolkit.core.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.mltoolkit.api.ToolkitException;

/**
 * The exclusive lock a training run holds on its run directory for as long as it writes there: an operating-system
 * lock ({@link FileChannel#tryLock()}) on the file {@value #FILE_NAME} in the directory, which holds the process id
 * of its holder. The operating system drops the lock when the process ends in any way (a kill with SIGKILL too), so
 * a lock is never stale; the file itself stays and is harmless. A second run into the same directory, from this
 * process or another, is refused while the first holds the lock.
 */
final class RunLock implements AutoCloseable {
    /** The lock file's name in the run directory. */
    static final String FILE_NAME = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates {@code runDir} if needed and takes its lock, writing this process's id into the lock file. Throws
     * ToolkitException naming the directory and the holder's process id when another run holds it, and naming the
     * file when it cannot be created or locked.
     */
    static RunLock acquire(Path runDir) {
        Path file = runDir.resolve(FILE_NAME);
        FileChannel channel = null;
        try {
            Files.createDirectories(runDir);
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very process, through another channel
            }
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                throw new ToolkitException("the run directory " + runDir + " is in use by another training run"
                        + " (process " + holder + " holds " + file + "); wait for it or choose another directory");
            }
            channel.truncate(0);
            channel.write(
                    ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return new RunLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new ToolkitException("cannot lock the run directory " + runDir + " through " + file + ": " + e, e);
        }
    }

    /** The process id written by the lock's holder, or "unknown" before it has written it. */
    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(32);
        channel.read(bytes, 0);
        String text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.US_ASCII).strip();
        return text.matches("[0-9]{1,19}") ? text : "unknown";
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Closing releases the lock; a failure to close leaves nothing to undo.
            }
        }
    }

    /** Releases the lock; the lock file stays for the next run. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // The channel's close below releases it as well.
        }
        closeQuietly(channel);
    }
}
