package io.gantry.api.runtime;

/**
 * The sizes of the client's terminal while a command runs on one ({@code kubectl exec -t}, whose
 * resize stream sends the size it starts with and then each change): the runtime gives them to
 * the command's terminal as they come.
 */
public interface TerminalSizes {

    /** The next size, waiting for it; null once the client sends no more. */
    Size next() throws InterruptedException;

    /** A terminal's size in characters. */
    record Size(int width, int height) {
    }
}
