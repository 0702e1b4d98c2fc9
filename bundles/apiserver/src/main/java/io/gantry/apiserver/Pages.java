package io.gantry.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import io.gantry.api.store.StoredEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Paged lists ({@code limit} and {@code continue}) over one consistent snapshot: the first page
 * reads the whole selection at one revision and keeps the rest here, so later pages show exactly
 * that snapshot, as an etcd range at a fixed revision would. A snapshot holds the stored bytes of
 * its objects and each later page decodes its own: a decoded pod is some thirty times its JSON,
 * and kubectl pages every list of more than 500 objects. Snapshots expire after five minutes, or
 * sooner when too many are kept or their bytes pass a budget (oldest first); a continue token of
 * an expired snapshot gets 410 Expired, as kube-apiserver answers one whose revision was compacted.
 */
final class Pages {

    private static final long TTL_MILLIS = 5 * 60 * 1000;
    private static final int MAX_SNAPSHOTS = 64;
    /** What the kept snapshots' stored bytes may add up to: a list of 10,000 pods is some 16 MB. */
    static final long MAX_BYTES = 64L * 1024 * 1024;

    /** One page: its items, the snapshot's revision, and the token and count of what follows. */
    record Page(List<ObjectNode> items, long revision, String continueToken, long remaining) {
    }

    /** The objects a list selected at one revision, for the pages after the first. */
    private record Snapshot(String scope, List<StoredEntry> entries, Function<StoredEntry, ObjectNode> decoder,
                            long revision, long created, long bytes) {
    }

    private final long maxBytes;
    private final Map<String, Snapshot> snapshots = new LinkedHashMap<>();
    private long bytes;

    Pages() {
        this(MAX_BYTES);
    }

    /** @param maxBytes what the kept snapshots' stored bytes may add up to */
    Pages(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * The first page of a selection read at a revision; {@code limit} 0 means everything.
     *
     * @param scope   what was listed (the resource's key prefix): a token is good for that alone
     * @param entries the selected objects as stored, in order
     * @param items   the same, decoded
     * @param decoder decodes a stored object for a later page
     */
    Page first(String scope, List<StoredEntry> entries, List<ObjectNode> items, Function<StoredEntry, ObjectNode> decoder,
               long revision, long limit) {
        if (limit <= 0 || items.size() <= limit) {
            return new Page(items, revision, null, 0);
        }
        long size = 0;
        for (StoredEntry entry : entries) {
            size += entry.value().length;
        }
        String id = UUID.randomUUID().toString();
        synchronized (snapshots) {
            expire(size);
            snapshots.put(id, new Snapshot(scope, List.copyOf(entries), decoder, revision, System.currentTimeMillis(), size));
            bytes += size;
        }
        return new Page(items.subList(0, (int) limit), revision, token(id, (int) limit), items.size() - limit);
    }

    /** The page a continue token points at, of a list of the same scope. */
    Page next(String scope, String token, long limit) {
        String[] parts = decode(token);
        Snapshot snapshot;
        synchronized (snapshots) {
            expire(0);
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
        if (offset < 0 || offset > snapshot.entries.size() || !snapshot.scope.equals(scope)) {
            throw invalidToken();
        }
        int end = limit <= 0 ? snapshot.entries.size() : (int) Math.min(snapshot.entries.size(), offset + limit);
        List<ObjectNode> items = new ArrayList<>(end - offset);
        for (StoredEntry entry : snapshot.entries.subList(offset, end)) {
            items.add(snapshot.decoder.apply(entry));
        }
        if (end >= snapshot.entries.size()) {
            return new Page(items, snapshot.revision, null, 0);
        }
        return new Page(items, snapshot.revision, token(parts[0], end), snapshot.entries.size() - end);
    }

    /** The stored bytes the kept snapshots hold. */
    long bytes() {
        synchronized (snapshots) {
            return bytes;
        }
    }

    private static String token(String id, int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((id + ":" + offset).getBytes(StandardCharsets.UTF_8));
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

    /** Drops expired snapshots, then the oldest until there is room for one more of {@code adding} bytes. */
    private void expire(long adding) {
        long now = System.currentTimeMillis();
        Iterator<Snapshot> oldestFirst = snapshots.values().iterator();
        while (oldestFirst.hasNext()) {
            Snapshot snapshot = oldestFirst.next();
            boolean expired = now - snapshot.created > TTL_MILLIS;
            boolean crowded = adding > 0 && (snapshots.size() >= MAX_SNAPSHOTS || bytes + adding > maxBytes);
            if (!expired && !crowded) {
                break;
            }
            oldestFirst.remove();
            bytes -= snapshot.bytes;
        }
    }
}
