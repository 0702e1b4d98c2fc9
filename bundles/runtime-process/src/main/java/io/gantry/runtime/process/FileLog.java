package io.gantry.runtime.process;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * A container's log as the process runtime keeps it: the process writes its standard output and
 * error straight into one file (so the process outlives any swap of this bundle), and readers
 * take the whole file, its last lines, or follow it as {@code tail -f} does. Lines carry no time of
 * their own, so this log cannot be cut by time or prefixed with timestamps.
 */
final class FileLog {

    private static final long FOLLOW_POLL_MILLIS = 200;
    private static final int CHUNK = 8192;

    private FileLog() {
    }

    /**
     * Writes the log to {@code out}.
     *
     * @param tailLines only the last lines, or null for all
     * @param running   while following, true as long as more may be written
     */
    static void copy(Path file, Integer tailLines, boolean follow, BooleanSupplier running, OutputStream out)
            throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (RandomAccessFile log = new RandomAccessFile(file.toFile(), "r")) {
            long position = tailLines == null ? 0 : startOfLastLines(log, Math.max(0, tailLines));
            position = copyFrom(log, position, out);
            while (follow && !Thread.currentThread().isInterrupted()) {
                out.flush(); // a follower sees each line as it comes; a reader gone away fails here
                boolean more = running.getAsBoolean();
                long next = copyFrom(log, position, out);
                if (next == position && !more) {
                    return; // stopped, and everything it wrote is out
                }
                if (next == position) {
                    try {
                        Thread.sleep(FOLLOW_POLL_MILLIS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                position = next;
            }
        }
    }

    private static long copyFrom(RandomAccessFile log, long position, OutputStream out) throws IOException {
        byte[] buffer = new byte[CHUNK];
        log.seek(position);
        int read;
        while ((read = log.read(buffer)) > 0) {
            out.write(buffer, 0, read);
            position += read;
        }
        return position;
    }

    /** The offset of the first of the last {@code lines} lines (a final line without newline counts). */
    static long startOfLastLines(RandomAccessFile log, int lines) throws IOException {
        long length = log.length();
        if (lines == 0) {
            return length;
        }
        long position = length;
        // a newline ending the file ends the last line; it does not start another
        int newlines = 0;
        byte[] buffer = new byte[CHUNK];
        boolean last = true;
        while (position > 0) {
            int size = (int) Math.min(CHUNK, position);
            position -= size;
            log.seek(position);
            log.readFully(buffer, 0, size);
            for (int i = size - 1; i >= 0; i--) {
                if (buffer[i] == '\n') {
                    if (last && position + i == length - 1) {
                        continue;
                    }
                    if (++newlines == lines) {
                        return position + i + 1;
                    }
                }
                last = false;
            }
        }
        return 0;
    }
}
