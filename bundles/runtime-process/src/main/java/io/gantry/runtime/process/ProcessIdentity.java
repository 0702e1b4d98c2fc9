package io.gantry.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process as the kernel knows it: its pid and its start time in clock ticks since boot
 * ({@code /proc/PID/stat}, field 22). A pid alone may have been reused by another process after
 * ours ended; the pair names one process for as long as the host runs.
 */
record ProcessIdentity(long pid, long startTicks) {

    /** The identity of the running process with this pid, if there is one. */
    static Optional<ProcessIdentity> of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) is in parentheses and may hold spaces: count after its end
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            if (fields[0].equals("Z") || fields[0].equals("X")) {
                return Optional.empty(); // ended, not yet reaped
            }
            return Optional.of(new ProcessIdentity(pid, Long.parseLong(fields[19])));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }

    /** Whether this very process still runs. */
    boolean alive() {
        return of(pid).map(this::equals).orElse(false);
    }
}
