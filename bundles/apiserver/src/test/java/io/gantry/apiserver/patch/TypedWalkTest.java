package io.gantry.apiserver.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.json.Json;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The list item keys of managedFields are written by hand as Jackson writes them. */
class TypedWalkTest {

    @Test
    void aKeyIsTheSameTextAsTheNodesOwn() throws Exception {
        List<String> samples = List.of("\"web\"", "\"\"", "\"a\\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u001f/\u00e9\u4e2d\"", "0", "-42",
                "9223372036854775807", "123456789012345678901234567890", "1.5", "true", "false", "null",
                "{\"containerPort\":80,\"protocol\":\"TCP\"}", "{\"name\":\"c\"}", "{}",
                "{\"a\":{\"b\":[1,2]}}", "{\"x\":1.25,\"y\":\"z\"}", "[1,\"a\"]");
        for (String sample : samples) {
            JsonNode node = Json.mapper().readTree(sample);
            assertEquals(node.toString(), TypedWalk.json(node), sample);
        }
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int length = random.nextInt(12); length > 0; length--) {
                text.append((char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x3000)));
            }
            JsonNode node = Json.mapper().createObjectNode().put("name", text.toString()).put("port", random.nextInt());
            assertEquals(node.toString(), TypedWalk.json(node), text.toString());
        }
    }
}
