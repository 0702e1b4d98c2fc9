package io.gantry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Host commands run to their end: their input given, their output returned, their failure told with it. */
class CommandsTest {

    @Test
    void theInputReachesTheCommandAndItsOutputComesBack() throws IOException {
        assertEquals("table ip x\n", Commands.run(List.of("cat"), "table ip x\n", Duration.ofSeconds(10)));
    }

    @Test
    void aFailureSaysWhichCommandAndWhatItWrote() {
        IOException failed = assertThrows(IOException.class,
                () -> Commands.run(List.of("sh", "-c", "echo no such table >&2; exit 1"), "", Duration.ofSeconds(10)));
        assertEquals("sh failed: no such table", failed.getMessage());
    }

    @Test
    void aCommandThatOutlivesItsDeadlineIsStoppedAndTold() {
        IOException late = assertThrows(IOException.class,
                () -> Commands.run(List.of("sh", "-c", "echo started; sleep 20"), "", Duration.ofMillis(300)));
        assertEquals("sh did not end within 300 ms: started", late.getMessage());
    }
}
