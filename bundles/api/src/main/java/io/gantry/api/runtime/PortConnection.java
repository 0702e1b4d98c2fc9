package io.gantry.api.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A connection to a TCP port inside a pod's network namespace ({@link ContainerRuntime#connect}):
 * what port-forward copies to and from. Since 2.4.
 */
public interface PortConnection extends Closeable {

    /** What the port sends; ends when it closes the connection. */
    InputStream input();

    /** What the port receives; closing it ends the port's input. */
    OutputStream output();

    /**
     * Waits for the connection to end, at most until the thread is interrupted, and says why it
     * failed, in the runtime's words (the port refused it, say), or returns null when it ended well.
     */
    String awaitFailure() throws InterruptedException;
}
