package io.gantry.apiserver.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import io.gantry.api.client.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Bodies mutated at random (fixed seed): reading them either gives an object, which the schema
 * check then takes without failing, or a 400 BadRequest; never any other exception (a 500).
 */
class MalformedBodiesFuzzTest {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Schemas SCHEMAS = new Schemas();
    static final ProtobufCodec CODEC = new ProtobufCodec(SCHEMAS, MAPPER);
    static final BodyReader READER = new BodyReader(CODEC);
    static final SchemaCheck CHECK = new SchemaCheck(SCHEMAS);

    static final List<String> OBJECTS = List.of(
            """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","labels":{"app":"web"},"creationTimestamp":"2024-01-02T03:04:05Z"},
             "spec":{"containers":[{"name":"c","image":"nginx","ports":[{"containerPort":80}],
               "resources":{"limits":{"cpu":"500m"}},"readinessProbe":{"httpGet":{"port":"http"}}}],
               "volumes":[{"name":"v","secret":{"secretName":"s"}}]}}
            """,
            """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","managedFields":[{"manager":"m","fieldsV1":{"f:spec":{}}}]},
             "spec":{"replicas":2,"strategy":{"rollingUpdate":{"maxSurge":"25%","maxUnavailable":1}},
               "template":{"spec":{"containers":[{"name":"c","image":"i"}]}}}}
            """,
            """
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"k":"AAECAwQ="},"type":"Opaque"}
            """,
            """
            {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"l"},
             "spec":{"holderIdentity":"n","renewTime":"2024-01-02T03:04:05.123456Z"}}
            """);

    @Test
    void mutatedProtobufBodies() throws Exception {
        Random random = new Random(6);
        int decoded = 0;
        for (String json : OBJECTS) {
            byte[] wire = CODEC.encode((ObjectNode) MAPPER.readTree(json));
            for (int i = 0; i < 2000; i++) {
                if (survives(mutate(wire, random, 4), ProtobufCodec.CONTENT_TYPE)) {
                    decoded++;
                }
            }
        }
        // mutations after the magic often still parse: the check then sees odd but typed values
        if (decoded == 0) {
            fail("no mutated protobuf body decoded: the test exercises nothing past the envelope");
        }
    }

    @Test
    void mutatedJsonAndYamlBodies() throws Exception {
        Random random = new Random(6);
        for (String json : OBJECTS) {
            byte[] text = json.getBytes(StandardCharsets.UTF_8);
            byte[] yaml = MAPPER.writerFor(Object.class).with(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                    .writeValueAsBytes(MAPPER.readTree(json));
            for (int i = 0; i < 1000; i++) {
                survives(mutate(text, random, 0), "application/json");
                survives(mutate(yaml, random, 0), "application/yaml");
            }
        }
    }

    /** Reads and checks a body; true if it gave an object, false for a 400; fails on anything else. */
    private static boolean survives(byte[] body, String contentType) {
        ObjectNode object;
        try {
            object = READER.read(body, contentType).object();
        } catch (ApiException e) {
            assertEquals(400, e.code(), e.getMessage());
            return false;
        } catch (RuntimeException e) {
            throw new AssertionError("reading a mutated body threw " + e + " for " + new String(body, StandardCharsets.ISO_8859_1), e);
        }
        Optional<Descriptor> kind = SCHEMAS.kind(object.path("apiVersion").asText(), object.path("kind").asText());
        try {
            kind.ifPresent(type -> CHECK.check(object, type, true));
        } catch (RuntimeException e) {
            throw new AssertionError("checking " + object + " threw " + e, e);
        }
        return true;
    }

    /** One to three random edits (flip, insert, delete, truncate) after the first {@code keep} bytes. */
    private static byte[] mutate(byte[] original, Random random, int keep) {
        byte[] body = original.clone();
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && body.length > keep + 1; e++) {
            int at = keep + random.nextInt(body.length - keep);
            switch (random.nextInt(4)) {
                case 0 -> body[at] = (byte) random.nextInt(256);
                case 1 -> {
                    byte[] longer = new byte[body.length + 1];
                    System.arraycopy(body, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(body, at, longer, at + 1, body.length - at);
                    body = longer;
                }
                case 2 -> {
                    byte[] shorter = new byte[body.length - 1];
                    System.arraycopy(body, 0, shorter, 0, at);
                    System.arraycopy(body, at + 1, shorter, at, body.length - at - 1);
                    body = shorter;
                }
                default -> body = java.util.Arrays.copyOf(body, at);
            }
        }
        return body;
    }
}
