package io.gantry.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What SPDY/3.1 peers must agree on byte for byte; the sessions themselves are tested with real kubectl. */
class SpdySessionTest {

    @Test
    void theHeaderDictionaryIsTheSpecificationsToTheByte() throws Exception {
        byte[] dictionary = SpdySession.dictionary();
        assertEquals(1423, dictionary.length);
        assertEquals("51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(dictionary)));
    }

    @Test
    void headerListsSplitOnCommas() {
        assertEquals(List.of("v4.channel.k8s.io", "v3.channel.k8s.io"),
                SpdySession.values("v4.channel.k8s.io, v3.channel.k8s.io"));
        assertEquals(List.of(), SpdySession.values(null));
    }
}
