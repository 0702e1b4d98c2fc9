package io.gantry.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The API servers a client may talk to, in order of preference, and the one it talks to now.
 * Requests go to the current server; when one fails to answer, the client moves on to the next
 * ({@link #failed}), so that every request after a failover goes to a server that answered. The
 * list changes as control planes come and go ({@link #replace}); the current server stays current
 * while it is listed.
 */
public final class ApiServers {

    private List<URI> servers = List.of();
    private int current;

    /** An empty list, to be filled by {@link #replace}. */
    public ApiServers() {
    }

    /** A fixed list of servers, as configuration names them. */
    public ApiServers(List<URI> servers) {
        replace(servers);
    }

    /**
     * Parses a list of base URLs, {@code http://host:port}, separated by commas or blanks.
     *
     * @throws IllegalArgumentException naming the entry that is no http(s) URL
     */
    public static List<URI> parse(String list) {
        List<URI> servers = new ArrayList<>();
        if (list == null) {
            return servers;
        }
        for (String entry : list.split("[,\\s]+")) {
            if (!entry.isEmpty()) {
                servers.add(server(entry));
            }
        }
        return servers;
    }

    /**
     * One base URL: {@code http://host:port} (a path, query or trailing slash is dropped).
     *
     * @throws IllegalArgumentException if it is not an http or https URL with a host
     */
    public static URI server(String url) {
        IllegalArgumentException invalid =
                new IllegalArgumentException("API server \"" + url + "\" is not an http(s)://host:port URL");
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw invalid;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw invalid;
        }
        return URI.create(scheme + "://" + uri.getRawAuthority());
    }

    /** Every server, current first. */
    public synchronized List<URI> inOrder() {
        List<URI> ordered = new ArrayList<>(servers.size());
        for (int i = 0; i < servers.size(); i++) {
            ordered.add(servers.get((current + i) % servers.size()));
        }
        return ordered;
    }

    /** The server requests go to now, or null if none is known. */
    public synchronized URI current() {
        return servers.isEmpty() ? null : servers.get(current);
    }

    /** Moves on from a server that did not answer, unless another failure moved on already. */
    public synchronized void failed(URI server) {
        if (!servers.isEmpty() && servers.get(current).equals(server)) {
            current = (current + 1) % servers.size();
        }
    }

    /** Takes a new list; the current server stays current if it is still in it. */
    public synchronized void replace(List<URI> fresh) {
        URI was = current();
        servers = List.copyOf(new java.util.LinkedHashSet<>(fresh));
        int index = was == null ? -1 : servers.indexOf(was);
        current = Math.max(index, 0);
    }

    public synchronized boolean isEmpty() {
        return servers.isEmpty();
    }

    @Override
    public synchronized String toString() {
        return servers.toString();
    }
}
