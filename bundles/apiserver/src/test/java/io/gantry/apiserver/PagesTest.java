package io.gantry.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import io.gantry.api.store.StoredEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Paged lists keep their snapshots as stored bytes, within a budget, each good for its own list. */
class PagesTest {

    private static final String SCOPE = "/registry/configmaps/default/";

    @Test
    void laterPagesAreDecodedFromTheSnapshotsBytes() {
        Pages pages = new Pages();
        List<StoredEntry> entries = entries(5, 10);
        Pages.Page first = pages.first(SCOPE, entries, decoded(entries), ResourceStore::decode, 42, 2);
        assertEquals(List.of("cm-0", "cm-1"), names(first));
        assertEquals(3, first.remaining());
        assertEquals(5 * 10 + 5 * ("{\"metadata\":{\"name\":\"cm-0\"},\"data\":{\"v\":\"\"}}".length()), pages.bytes());

        Pages.Page second = pages.next(SCOPE, first.continueToken(), 2);
        assertEquals(List.of("cm-2", "cm-3"), names(second));
        assertEquals(42, second.revision());
        assertEquals("9", second.items().get(0).at("/metadata/resourceVersion").asText(), "the stored revision");
        Pages.Page last = pages.next(SCOPE, second.continueToken(), 2);
        assertEquals(List.of("cm-4"), names(last));
        assertNull(last.continueToken());
    }

    @Test
    void theOldestSnapshotsGoWhenTheirBytesPassTheBudget() {
        List<StoredEntry> entries = entries(4, 1000);
        long oneSnapshot = entries.stream().mapToLong(e -> e.value().length).sum();
        Pages pages = new Pages(2 * oneSnapshot);
        String a = pages.first(SCOPE, entries, decoded(entries), ResourceStore::decode, 1, 1).continueToken();
        String b = pages.first(SCOPE, entries, decoded(entries), ResourceStore::decode, 1, 1).continueToken();
        String c = pages.first(SCOPE, entries, decoded(entries), ResourceStore::decode, 1, 1).continueToken();
        assertEquals(2 * oneSnapshot, pages.bytes());

        ApiException expired = assertThrows(ApiException.class, () -> pages.next(SCOPE, a, 1));
        assertEquals(410, expired.code());
        assertEquals(List.of("cm-1"), names(pages.next(SCOPE, b, 1)));
        assertEquals(List.of("cm-1"), names(pages.next(SCOPE, c, 1)));
    }

    @Test
    void aTokenIsGoodForItsOwnListAlone() {
        Pages pages = new Pages();
        List<StoredEntry> entries = entries(3, 0);
        String token = pages.first(SCOPE, entries, decoded(entries), ResourceStore::decode, 1, 1).continueToken();
        ApiException other = assertThrows(ApiException.class, () -> pages.next("/registry/secrets/default/", token, 1));
        assertEquals(400, other.code());
        ApiException garbage = assertThrows(ApiException.class, () -> pages.next(SCOPE, "not a token", 1));
        assertEquals(400, garbage.code());
    }

    /** Config maps cm-0.. with a value of {@code padding} characters, stored at revisions 7, 8, ... */
    private static List<StoredEntry> entries(int count, int padding) {
        List<StoredEntry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String json = "{\"metadata\":{\"name\":\"cm-" + i + "\"},\"data\":{\"v\":\"" + "x".repeat(padding) + "\"}}";
            entries.add(new StoredEntry(SCOPE + "cm-" + i, json.getBytes(StandardCharsets.UTF_8), 7 + i, 7 + i));
        }
        return entries;
    }

    private static List<ObjectNode> decoded(List<StoredEntry> entries) {
        return entries.stream().map(ResourceStore::decode).toList();
    }

    private static List<String> names(Pages.Page page) {
        return page.items().stream().map(item -> item.at("/metadata/name").asText()).toList();
    }
}
