package io.gantry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The list of API servers: parsing the configuration, failing over, and following a new list. */
class ApiServersTest {

    private static final URI A = URI.create("http://127.0.0.1:8080");
    private static final URI B = URI.create("http://127.0.0.1:8081");
    private static final URI C = URI.create("http://127.0.0.1:8082");

    @Test
    void parsesAListOfBaseUrls() {
        assertEquals(List.of(A, B, URI.create("https://api.example:6443")),
                ApiServers.parse(" http://127.0.0.1:8080, http://127.0.0.1:8081/ https://api.example:6443/some/path "));
        assertEquals(List.of(), ApiServers.parse(""));
        assertEquals(List.of(), ApiServers.parse(null));
    }

    @Test
    void refusesWhatIsNoHttpUrlNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ApiServers.parse("http://127.0.0.1:8080,127.0.0.1:8081"));
        assertEquals("API server \"127.0.0.1:8081\" is not an http(s)://host:port URL", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ApiServers.server("ftp://host:21"));
    }

    @Test
    void failsOverToTheNextServerAndStaysThere() {
        ApiServers servers = new ApiServers(List.of(A, B, C));
        assertEquals(A, servers.current());

        servers.failed(A);
        assertEquals(B, servers.current());
        assertEquals(List.of(B, C, A), servers.inOrder());
        servers.failed(A); // a late report of the same failure moves nothing
        assertEquals(B, servers.current());
        servers.failed(B);
        servers.failed(C);
        assertEquals(A, servers.current());
    }

    @Test
    void aNewListKeepsTheCurrentServerWhileItIsListed() {
        ApiServers servers = new ApiServers(List.of(A, B));
        servers.failed(A);

        servers.replace(List.of(C, A, B, B));
        assertEquals(B, servers.current());
        assertEquals(List.of(B, C, A), servers.inOrder());
        servers.replace(List.of(C, A));
        assertEquals(C, servers.current());
        servers.replace(List.of());
        assertNull(servers.current());
        assertTrue(servers.isEmpty());
    }
}
