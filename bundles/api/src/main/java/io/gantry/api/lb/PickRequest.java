package io.gantry.api.lb;

import java.util.List;

/**
 * What the proxy knows when a new connection arrives for a service port.
 *
 * @param namespace the service's namespace
 * @param service   the service's name
 * @param portName  the name of the service port ({@code ""} for a service's single unnamed port)
 * @param client    the client's IP address, as text ({@code 127.0.0.1})
 * @param backends  the ready backends of the port, in a stable order (by address), never empty;
 *                  each with the proxied connections it has open now
 * @param sequence  how many connections this service port has had before this one (the proxy's
 *                  per-port counter, kept across plugin swaps)
 */
public record PickRequest(String namespace, String service, String portName, String client, List<Backend> backends,
        long sequence) {

    public PickRequest {
        backends = List.copyOf(backends);
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("a pick needs at least one backend");
        }
    }
}
