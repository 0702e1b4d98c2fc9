package io.gantry.api.runtime;

/**
 * The end of a command run in a container.
 *
 * @param exitCode the command's exit code; -1 when it did not end within the timeout
 * @param output its standard output and error, as far as read
 */
public record ExecResult(int exitCode, boolean timedOut, String output) {
}
