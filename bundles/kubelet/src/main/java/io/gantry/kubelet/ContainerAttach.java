package io.gantry.kubelet;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /attach/NAMESPACE/POD/CONTAINER?stdin=&stdout=&stderr=&tty=}, upgraded as
 * {@link StreamSession} describes: the client gets what the container's main process writes from
 * now on, and writes to its input when the container has {@code stdin: true}. Whether the output
 * comes from a terminal is the container's {@code tty}, as the kubelet decides it from the spec.
 * The session ends when the container exits, with Success whatever its exit code, as the
 * kubelet's attach does (kubectl reads the exit code from the pod's status); a client that leaves
 * leaves the container running.
 */
final class ContainerAttach implements KubeletServer.Handler {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerAttach.class);

    private final NodeContainers containers;

    ContainerAttach(NodeContainers containers) {
        this.containers = containers;
    }

    @Override
    public void handle(KubeletServer.Request request, Socket connection) throws IOException {
        OutputStream out = connection.getOutputStream();
        StreamSession.Request session = StreamSession.negotiate(request, out, "attach");
        if (session == null) {
            return;
        }
        if (request.path().size() != 3) {
            KubeletServer.error(out, 400, "expected /attach/NAMESPACE/POD/CONTAINER");
            return;
        }
        if (!session.stdin() && !session.stdout() && !session.stderr()) {
            KubeletServer.error(out, 400, "you must specify at least 1 of stdin, stdout, stderr");
            return;
        }
        NodeContainers.Found found = ContainerExec.running(containers, request, out);
        if (found == null) {
            return;
        }
        String what = "Attach to container " + found.container().name() + " of pod " + request.path().get(1);
        StreamSession.run(connection, session, what, streams -> {
            int exitCode = found.runtime().attach(found.container().id(), streams);
            LOG.debug("{} ended: the container exited with code {}", what, exitCode);
            return StreamSession.SUCCESS;
        });
    }
}
