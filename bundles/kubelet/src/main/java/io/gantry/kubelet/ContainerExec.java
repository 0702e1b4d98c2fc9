package io.gantry.kubelet;

import io.gantry.api.runtime.ContainerStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.List;

/**
 * {@code GET /exec/NAMESPACE/POD/CONTAINER?command=...&stdin=&stdout=&stderr=&tty=}, upgraded as
 * {@link StreamSession} describes: the command runs through the container's runtime, and its exit
 * code ends the session as the Status kubectl turns into its own exit code.
 */
final class ContainerExec implements KubeletServer.Handler {

    private final NodeContainers containers;

    ContainerExec(NodeContainers containers) {
        this.containers = containers;
    }

    @Override
    public void handle(KubeletServer.Request request, Socket connection) throws IOException {
        OutputStream out = connection.getOutputStream();
        StreamSession.Request session = StreamSession.negotiate(request, out, "exec");
        if (session == null) {
            return;
        }
        if (request.path().size() != 3) {
            KubeletServer.error(out, 400, "expected /exec/NAMESPACE/POD/CONTAINER");
            return;
        }
        List<String> command = request.values().getOrDefault("command", List.of());
        if (command.isEmpty()) {
            KubeletServer.error(out, 400, "you must specify at least 1 command");
            return;
        }
        if (!session.stdin() && !session.stdout() && !session.stderr()) {
            KubeletServer.error(out, 400, "you must specify at least 1 of stdin, stdout, stderr");
            return;
        }
        NodeContainers.Found found = running(containers, request, out);
        if (found == null) {
            return;
        }
        StreamSession.run(connection, session, "Exec of " + command + " in container " + found.container().name(),
                streams -> outcome(found.runtime().exec(found.container().id(), command, streams)));
    }

    /**
     * The running container a request's path names, or null after answering 400 or 404 in the
     * kubelet's words.
     */
    static NodeContainers.Found running(NodeContainers containers, KubeletServer.Request request, OutputStream out)
            throws IOException {
        String podName = request.path().get(1);
        String name = request.path().get(2);
        NodeContainers.Found found;
        try {
            found = containers.find(request.path().get(0), podName, name, false);
        } catch (IllegalArgumentException e) {
            KubeletServer.error(out, 400, e.getMessage());
            return null;
        } catch (NodeContainers.NotFound e) {
            KubeletServer.error(out, 404, e.getMessage());
            return null;
        }
        if (found.container().state() != ContainerStatus.State.RUNNING) {
            KubeletServer.error(out, 400, "container \"" + name + "\" in pod \"" + podName + "\" is not running");
            return null;
        }
        return found;
    }

    /** The final Status of a command that ran to its exit. */
    static String outcome(int exitCode) {
        return exitCode == 0 ? StreamSession.SUCCESS : StreamSession.failure("NonZeroExitCode",
                "command terminated with non-zero exit code: exit status " + exitCode, exitCode);
    }
}
