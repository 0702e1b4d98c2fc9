package io.gantry.apiserver.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gantry.api.client.ApiException;
import io.kubernetes.client.proto.Meta.ObjectMeta;
import io.kubernetes.client.proto.V1;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Request bodies to objects: the three formats, duplicate fields, malformed input. */
class BodyReaderTest {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final BodyReader READER = new BodyReader(new ProtobufCodec(new Schemas(), MAPPER));

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static ApiException rejected(String body, String contentType) {
        return assertThrows(ApiException.class, () -> READER.read(utf8(body), contentType));
    }

    @Test
    void jsonYamlAndProtobufGiveTheSameObject() throws Exception {
        String json = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\"1\"}}";
        String yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"1\"\n";
        byte[] protobuf = ProtobufCodecTest.wire("v1", "ConfigMap",
                V1.ConfigMap.newBuilder().setMetadata(ObjectMeta.newBuilder().setName("c")).putData("a", "1").build());
        BodyReader.Body fromJson = READER.read(utf8(json), "application/json");
        assertEquals(MAPPER.readTree(json), fromJson.object());
        assertEquals(List.of(), fromJson.duplicateFields());
        assertEquals(fromJson.object(), READER.read(utf8(yaml), "application/yaml").object());
        assertEquals(fromJson.object(), READER.read(protobuf, "application/vnd.kubernetes.protobuf").object());
        assertEquals(fromJson.object(), READER.read(utf8(json), "application/json; charset=utf-8").object());
        assertEquals(fromJson.object(), READER.read(utf8(json), null).object());
    }

    @Test
    void duplicateFieldsAreFoundWithTheirPathsAndTheLastValueWins() {
        BodyReader.Body body = READER.read(utf8("""
                {"metadata":{"name":"a","name":"b","labels":{"x":"1","x":"2"}},
                 "spec":{"containers":[{"name":"c","image":"i","image":"j"}]},"spec2":1,"spec2":2}
                """), "application/json");
        assertEquals(List.of("metadata.name", "metadata.labels.x", "spec.containers[0].image", "spec2"), body.duplicateFields());
        assertEquals(List.of("duplicate field \"metadata.name\"", "duplicate field \"metadata.labels.x\"",
                "duplicate field \"spec.containers[0].image\"", "duplicate field \"spec2\""), body.warnings());
        assertEquals("b", body.object().at("/metadata/name").textValue());
        assertEquals("j", body.object().at("/spec/containers/0/image").textValue());
    }

    @Test
    void duplicateFieldsInYaml() {
        BodyReader.Body body = READER.read(utf8("metadata:\n  name: a\n  name: b\nkind: Pod\n"), "application/yaml");
        assertEquals(List.of("metadata.name"), body.duplicateFields());
        assertEquals("b", body.object().at("/metadata/name").textValue());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"metadata\": {\"name\": \"x\",}}|application/json|the request body is not valid JSON (line 1, column 27): Unexpected character ('}' (code 125)): was expecting double-quote to start field name",
        "{\"metadata\": |application/json|the request body is not valid JSON (line 1, column 13): Unexpected end-of-input within/between Object entries",
        "[1,2]|application/json|the request body must be an object (a JSON object), not an array",
        "\"pod\"|application/json|the request body must be an object (a JSON object), not a string",
        "null|application/json|the request body must be an object (a JSON object), not null",
        "' '|application/json|the request body is empty",
        "{} {}|application/json|the request body has more content after its JSON object (line 1, column 5)",
        "- a\\n- b\\n|application/yaml|the request body must be an object (a YAML mapping), not an array",
        "kind: Pod\\n---\\nkind: Pod\\n|application/yaml|the request body holds more than one YAML document: send one object",
        "kind: Pod\\n  name: x\\n|application/yaml|the request body is not valid YAML (line 2, column 7): mapping values are not allowed here",
    })
    void malformedBodiesAreBadRequestsSayingWhere(String body, String contentType, String message) {
        ApiException e = rejected(body.replace("\\n", "\n"), contentType);
        assertEquals(400, e.code());
        assertEquals("BadRequest", e.reason());
        assertEquals(message, e.getMessage());
    }

    @Test
    void yamlAnchorsAndNumbers() throws Exception {
        BodyReader.Body body = READER.read(utf8("""
                metadata:
                  labels: &labels
                    app: web
                spec:
                  selector:
                    matchLabels: *labels
                  replicas: 3
                  big: 9223372036854775808
                  ratio: 0.5
                  on: true
                  text: "yes"
                """), "application/yaml");
        assertEquals(MAPPER.readTree("""
                {"metadata":{"labels":{"app":"web"}},"spec":{"selector":{"matchLabels":{"app":"web"}},"replicas":3,
                 "big":9223372036854775808,"ratio":0.5,"on":true,"text":"yes"}}
                """), body.object());
    }

    @Test
    void yamlMergeKeys() throws Exception {
        BodyReader.Body body = READER.read(utf8("""
                base: &base {image: nginx, imagePullPolicy: Always}
                more: &more {tty: true}
                container:
                  <<: [*base, *more]
                  name: web
                  imagePullPolicy: Never
                """), "application/yaml");
        assertEquals(MAPPER.readTree("{\"name\":\"web\",\"imagePullPolicy\":\"Never\",\"image\":\"nginx\",\"tty\":true}"),
                body.object().get("container"));
        assertEquals(List.of(), body.duplicateFields());
        assertEquals("the request body is not valid YAML (line 1, column 4): unknown anchor 'nowhere' referenced",
                rejected("a: *nowhere\n", "application/yaml").getMessage());
    }

    @Test
    void unknownMediaTypeIsUnsupported() {
        ApiException e = rejected("x", "text/plain");
        assertEquals(415, e.code());
    }
}
