package io.gantry.api.runtime;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * The standard streams of a command run interactively in a container ({@code kubectl exec}).
 *
 * @param stdin  what the command reads, or null when it gets no input; its end closes the command's input
 * @param stdout where its standard output goes, or null to drop it
 * @param stderr where its standard error goes, or null to drop it (with a tty, everything goes to stdout)
 * @param tty    whether the command runs on a terminal
 * @param resizes the client's terminal sizes, or null when it sends none (only with a tty)
 */
public record ExecStreams(InputStream stdin, OutputStream stdout, OutputStream stderr, boolean tty,
                          TerminalSizes resizes) {

    /** Streams without terminal sizes. */
    public ExecStreams(InputStream stdin, OutputStream stdout, OutputStream stderr, boolean tty) {
        this(stdin, stdout, stderr, tty, null);
    }
}
