package io.gantry.api.meta.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.gantry.api.apps.v1.RollingUpdateDeployment;
import io.gantry.api.core.v1.ServicePort;
import io.gantry.api.json.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** IntOrString keeps its JSON type, and scales percentages as Kubernetes' intstr does. */
class IntOrStringTest {

    @Test
    void readsAndWritesANumberAsANumberAndAStringAsAString() throws Exception {
        ServicePort port = Json.read("{\"port\":80,\"targetPort\":8080}", ServicePort.class);
        assertTrue(port.targetPort.isInt());
        assertEquals(8080, port.targetPort.intValue());
        assertEquals("{\"port\":80,\"targetPort\":8080}", Json.write(port));

        ServicePort named = Json.read("{\"port\":80,\"targetPort\":\"http\"}", ServicePort.class);
        assertFalse(named.targetPort.isInt());
        assertEquals("http", named.targetPort.stringValue());
        assertEquals(0, named.targetPort.intValue(), "a name spells no number");
        assertEquals("{\"port\":80,\"targetPort\":\"http\"}", Json.write(named));

        ServicePort digits = Json.read("{\"targetPort\":\"8080\"}", ServicePort.class);
        assertFalse(digits.targetPort.isInt(), "a string of digits stays a string, as Kubernetes keeps it");
        assertEquals(8080, digits.targetPort.intValue());
        assertEquals("{\"targetPort\":\"8080\"}", Json.write(digits));

        assertNull(Json.read("{\"targetPort\":null}", ServicePort.class).targetPort);
    }

    @Test
    void readsYamlPercentagesAndNumbers() {
        RollingUpdateDeployment rolling = Json.readYaml("maxSurge: 25%\nmaxUnavailable: 0\n", RollingUpdateDeployment.class);
        assertEquals(IntOrString.of("25%"), rolling.maxSurge);
        assertEquals(IntOrString.of(0), rolling.maxUnavailable);
        assertEquals("maxUnavailable: 0\nmaxSurge: 25%\n", Json.writeYaml(rolling));
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "1.5", "{}", "[80]", "4294967296"})
    void anythingElseIsAnInputErrorNamingTheField(String value) {
        MismatchedInputException e = assertThrows(MismatchedInputException.class,
                () -> Json.mapper().readValue("{\"ports\":[{\"targetPort\":" + value + "}]}",
                        io.gantry.api.core.v1.ServiceSpec.class));
        assertTrue(e.getMessage().contains("expected an integer or a string"), e.getMessage());
        assertEquals("ports[0].targetPort", path(e));
    }

    // cases of Kubernetes' TestGetScaledValueFromIntOrPercent, and rounding at the edges
    @ParameterizedTest
    @CsvSource({
            "'123', 0, false, 123",
            "'90%', 100, true, 90",
            "'90%', 95, true, 86",
            "'90%', 95, false, 85",
            "'25%', 10, true, 3",
            "'25%', 10, false, 2",
            "'25%', 1, true, 1",
            "'25%', 1, false, 0",
            "'0%', 7, true, 0",
            "'100%', 7, false, 7",
            "'150%', 4, false, 6",
            "'-10%', 15, true, -1",
            "'-10%', 15, false, -2",
            "'100%', 2147483647, true, 2147483647",
    })
    void scalesPercentagesAgainstATotal(String value, int total, boolean roundUp, int expected) {
        IntOrString amount = value.endsWith("%") ? IntOrString.of(value) : IntOrString.of(Integer.parseInt(value));
        assertEquals(expected, amount.scaledValue(total, roundUp));
    }

    @ParameterizedTest
    @CsvSource({
            "'90', 'invalid value for IntOrString: invalid type: string is not a percentage'",
            "'%', 'invalid value for IntOrString: invalid value \"%\"'",
            "'#%', 'invalid value for IntOrString: invalid value \"#%\"'",
            "'1.5%', 'invalid value for IntOrString: invalid value \"1.5%\"'",
    })
    void stringsThatAreNoPercentageCannotBeScaled(String value, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IntOrString.of(value).scaledValue(10, true));
        assertEquals(message, e.getMessage());
    }

    @Test
    void parseTakesDigitsAsANumber() {
        assertEquals(IntOrString.of(80), IntOrString.parse("80"));
        assertEquals(IntOrString.of("http"), IntOrString.parse("http"));
        assertFalse(IntOrString.of(80).equals(IntOrString.of("80")), "80 and \"80\" differ, as in Kubernetes");
    }

    private static String path(MismatchedInputException e) {
        StringBuilder path = new StringBuilder();
        for (var reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
