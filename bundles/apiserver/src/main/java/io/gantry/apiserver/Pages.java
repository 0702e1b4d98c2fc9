package io.gantry.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Paged lists ({@code limit} and {@code continue}) over one consistent snapshot: the first page
 * reads the whole selection at one revision and keeps the rest here, so later pages show exactly
 * that snapshot, as an etcd range at a fixed revision would. Snapshots expire after five minutes
 * (or when too many are kept); a continue token of an expired snapshot gets 410 Expired, as
 * kube-apiserver answers one whose revision was compacted.
 */
final class Pages {

    private static final long TTL_MILLIS = 5 * 60 * 1000;
    private static final int MAX_SNAPSHOTS = 64;

    /** One page: its items, the snapshot's revision, and the token and count of what follows. */
    record Page(List<ObjectNode> items, long revision, String continueToken, long remaining) {
    }

    private record Snapshot(List<ObjectNode> items, long revision, long created) {
    }

    private final Map<String, Snapshot> snapshots = new LinkedHashMap<>();

    /** The first page of a selection read at a revision; {@code limit} 0 means everything. */
    Page first(List<ObjectNode> items, long revision, long limit) {
        if (limit <= 0 || items.size() <= limit) {
            return new Page(items, revision, null, 0);
        }
        String id = UUID.randomUUID().toString();
        synchronized (snapshots) {
            expire();
            snapshots.put(id, new Snapshot(items, revision, System.currentTimeMillis()));
        }
        return page(id, new Snapshot(items, revision, 0), 0, limit);
    }

    /** The page a continue token points at. */
    Page next(String token, long limit) {
        String[] parts = decode(token);
        Snapshot snapshot;
        synchronized (snapshots) {
            expire();
            snapshot = snapshots.get(parts[0]);
        }
        if (snapshot == null) {
            throw ApiException.expired("The provided continue parameter is too old to display a consistent list "
                    + "result. You can start a new list without the continue parameter.");
        }
        int offset;
        try {
            offset = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw invalidToken();
        }
        if (offset < 0 || offset > snapshot.items.size()) {
            throw invalidToken();
        }
        return page(parts[0], snapshot, offset, limit);
    }

    private static Page page(String id, Snapshot snapshot, int offset, long limit) {
        int end = limit <= 0 ? snapshot.items.size() : (int) Math.min(snapshot.items.size(), offset + limit);
        List<ObjectNode> items = snapshot.items.subList(offset, end);
        if (end >= snapshot.items.size()) {
            return new Page(items, snapshot.revision, null, 0);
        }
        String token = Base64.getUrlEncoder().withoutPadding()
                .encodeToString((id + ":" + end).getBytes(StandardCharsets.UTF_8));
        return new Page(items, snapshot.revision, token, snapshot.items.size() - end);
    }

    private static String[] decode(String token) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            String[] parts = text.split(":", 2);
            if (parts.length != 2) {
                throw invalidToken();
            }
            return parts;
        } catch (IllegalArgumentException e) {
            throw invalidToken();
        }
    }

    private static ApiException invalidToken() {
        return ApiException.badRequest("continue key is not valid: the continue token could not be decoded");
    }

    private void expire() {
        long now = System.currentTimeMillis();
        snapshots.values().removeIf(s -> now - s.created > TTL_MILLIS);
        while (snapshots.size() >= MAX_SNAPSHOTS) {
            snapshots.remove(snapshots.keySet().iterator().next());
        }
    }
}
