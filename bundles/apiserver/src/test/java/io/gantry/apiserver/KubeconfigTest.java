package io.gantry.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeconfigTest {

    @Test
    void serverIsTheFirstEndpointWithLoopbackForTheWildcard() {
        assertEquals("http://127.0.0.1:8080", Kubeconfig.server(new String[] {"http://127.0.0.1:8080/"}));
        assertEquals("http://127.0.0.1:9000", Kubeconfig.server(List.of("http://0.0.0.0:9000/", "http://[::]:9000/")));
        assertEquals("http://127.0.0.1:8181", Kubeconfig.server("http://127.0.0.1:8181/"));
    }

    @Test
    void noEndpointYetGivesNoServer() {
        assertNull(Kubeconfig.server(null));
        assertNull(Kubeconfig.server(new String[0]));
        assertNull(Kubeconfig.server(new String[] {""}));
        assertNull(Kubeconfig.server(""));
    }

    @Test
    void writtenKubeconfigNamesTheServer(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kubeconfig");
        Kubeconfig.write(file, "http://127.0.0.1:8080");
        String config = Files.readString(file);
        assertTrue(config.contains("server: http://127.0.0.1:8080"), config);
        assertTrue(config.contains("current-context: gantry"), config);
    }
}
