package io.gantry.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gantry.api.runtime.TerminalSizes.Size;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Terminal sizes as kubectl writes them on SPDY's resize stream: JSON lines; what does not read is dropped. */
class TerminalResizesTest {

    @Test
    void readsEachSizeAndEndsWithTheStream() throws Exception {
        TerminalResizes resizes = new TerminalResizes();
        resizes.readAll(new ByteArrayInputStream("""
                {"Width":80,"Height":24}
                not json
                {"Width":0,"Height":24}
                {"Width":132,"Height":50}
                """.getBytes(StandardCharsets.UTF_8)));
        assertEquals(new Size(80, 24), resizes.next());
        assertEquals(new Size(132, 50), resizes.next());
        assertNull(resizes.next());
        assertNull(resizes.next(), "it stays ended");
    }
}
