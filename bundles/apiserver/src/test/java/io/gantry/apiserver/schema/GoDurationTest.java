package io.gantry.apiserver.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's duration text, as metav1.Duration writes and reads it, and the quantity syntax. */
class GoDurationTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0s", "1, 1ns", "1500, 1.5µs", "2000000, 2ms", "1500000000, 1.5s", "60000000000, 1m0s",
        "3723000000000, 1h2m3s", "3600000000000, 1h0m0s", "-90000000000, -1m30s", "5400500000000, 1h30m0.5s"})
    void formatsAsGoDoes(long nanos, String text) {
        assertEquals(text, GoDuration.format(nanos));
        assertEquals(OptionalLong.of(nanos), GoDuration.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"1h, 3600000000000", "1.5h, 5400000000000", "300ms, 300000000", "2us, 2000", "+1s, 1000000000",
        "-0.5m, -30000000000", "1h1h, 7200000000000", ".5s, 500000000"})
    void parsesWhatGoParses(String text, long nanos) {
        assertEquals(OptionalLong.of(nanos), GoDuration.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1x", "h", "1h 2m", "--1s", "1.s.s", "99999999999999h"})
    void rejectsWhatGoRejects(String text) {
        assertTrue(GoDuration.parse(text).isEmpty(), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "0.5", ".5", "5.", "500m", "1Gi", "64Mi", "1e3", "1E-3", "-1", "+2k", "1E", "100n", "3u"})
    void quantitiesKubernetesParses(String text) {
        assertTrue(Quantities.valid(text), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Gi", "1 Gi", "1GB", "1gi", "one", "1.2.3", "1Ki1", "0x10", "1e", "--1"})
    void quantitiesKubernetesRejects(String text) {
        assertTrue(!Quantities.valid(text), text);
    }
}
