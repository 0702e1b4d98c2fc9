package io.gantry.apiserver.patch;

import static io.gantry.apiserver.patch.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.gantry.api.client.ApiException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonPatchTest {

    private static final String POD = "{'metadata':{'name':'p','labels':{'app':'web','a/b':'1','c~d':'2'}},"
            + "'spec':{'containers':[{'name':'web','image':'nginx','args':['a','b']}]}}";

    static Stream<Arguments> cases() {
        return Stream.of(
                // kubectl patch --type=json -p '[{"op":"replace","path":"/spec/containers/0/image","value":"nginx:1.27"}]'
                Arguments.of("replace in a list item", "[{'op':'replace','path':'/spec/containers/0/image','value':'nginx:1.27'}]",
                        "/spec/containers/0/image", "'nginx:1.27'"),
                Arguments.of("add to an object", "[{'op':'add','path':'/metadata/annotations','value':{'x':'y'}}]",
                        "/metadata/annotations", "{'x':'y'}"),
                Arguments.of("add appends with -", "[{'op':'add','path':'/spec/containers/0/args/-','value':'c'}]",
                        "/spec/containers/0/args", "['a','b','c']"),
                Arguments.of("add inserts at an index", "[{'op':'add','path':'/spec/containers/0/args/0','value':'z'}]",
                        "/spec/containers/0/args", "['z','a','b']"),
                Arguments.of("remove a list item", "[{'op':'remove','path':'/spec/containers/0/args/0'}]",
                        "/spec/containers/0/args", "['b']"),
                Arguments.of("~1 escapes a slash", "[{'op':'remove','path':'/metadata/labels/a~1b'}]",
                        "/metadata/labels", "{'app':'web','c~d':'2'}"),
                Arguments.of("~0 escapes a tilde", "[{'op':'replace','path':'/metadata/labels/c~0d','value':'3'}]",
                        "/metadata/labels/c~0d", "'3'"),
                Arguments.of("move", "[{'op':'move','from':'/metadata/labels/app','path':'/metadata/labels/tier'}]",
                        "/metadata/labels", "{'a/b':'1','c~d':'2','tier':'web'}"),
                Arguments.of("copy", "[{'op':'copy','from':'/spec/containers/0/args','path':'/spec/containers/0/command'}]",
                        "/spec/containers/0/command", "['a','b']"),
                // kubectl rollout undo sends a test-guarded replace of the template
                Arguments.of("test then replace", "[{'op':'test','path':'/metadata/name','value':'p'},"
                        + "{'op':'replace','path':'/metadata/name','value':'q'}]", "/metadata/name", "'q'"),
                Arguments.of("test of a missing value against null", "[{'op':'test','path':'/metadata/uid','value':null}]",
                        "/metadata/name", "'p'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void applies(String name, String patch, String pointer, String expected) {
        JsonNode pod = json(POD);
        JsonNode result = JsonPatch.apply(pod, json(patch));
        assertEquals(json(expected), result.at(pointer));
        assertEquals(json(POD), pod, "the target is left unchanged");
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("[{'op':'test','path':'/spec/containers/0/image','value':'httpd'}]",
                        "testing value /spec/containers/0/image failed: test failed"),
                Arguments.of("[{'op':'replace','path':'/spec/nodeName','value':'n'}]",
                        "replace operation does not apply: doc is missing key: /spec/nodeName: missing value"),
                Arguments.of("[{'op':'replace','path':'/status/phase','value':'Running'}]",
                        "replace operation does not apply: doc is missing path: /status/phase: missing value"),
                Arguments.of("[{'op':'add','path':'/status/phase','value':'Running'}]",
                        "add operation does not apply: doc is missing path: \"/status/phase\": missing value"),
                Arguments.of("[{'op':'remove','path':'/metadata/annotations'}]",
                        "error in remove for path: '/metadata/annotations': Unable to remove nonexistent key: annotations: missing value"),
                Arguments.of("[{'op':'remove','path':'/spec/containers/5'}]",
                        "error in remove for path: '/spec/containers/5': Unable to access invalid index: 5: invalid index referenced"),
                Arguments.of("[{'op':'add','path':'/spec/containers/0/args/7','value':'x'}]",
                        "error in add for path: '/spec/containers/0/args/7': Unable to access invalid index: 7: invalid index referenced"),
                Arguments.of("[{'op':'jump','path':'/a'}]", "Unexpected kind: jump"),
                Arguments.of("[{'op':'add','value':1}]", "operation missing path field: missing value"),
                Arguments.of("[{'op':'add','path':'/metadata/x'}]", "operation, missing value field: missing value"));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void anOperationThatDoesNotApplyIsInvalidAsKubeApiserverSaysIt(String patch, String why) {
        ApiException e = assertThrows(ApiException.class, () -> JsonPatch.apply(json(POD), json(patch)));
        assertEquals(422, e.code());
        assertEquals("Invalid", e.reason());
        assertEquals("the server rejected our request due to an error in our request", e.getMessage());
        assertEquals(why, e.status().details.causes.get(0).message);
        assertEquals("patch", e.status().details.causes.get(0).field);
    }

    @Test
    void aPatchThatIsNotAListIsABadRequest() {
        ApiException e = assertThrows(ApiException.class, () -> JsonPatch.apply(json(POD), json("{'op':'add'}")));
        assertEquals(400, e.code());
        assertEquals("BadRequest", e.reason());
        ApiException item = assertThrows(ApiException.class, () -> JsonPatch.apply(json(POD), json("['add']")));
        assertEquals(400, item.code());
    }

    @Test
    void moreThanTenThousandOperationsAreTooLarge() {
        ArrayNode ops = Json.MAPPER.createArrayNode();
        for (int i = 0; i <= JsonPatch.MAX_OPERATIONS; i++) {
            ops.add(json("{'op':'test','path':'/metadata/name','value':'p'}"));
        }
        ApiException e = assertThrows(ApiException.class, () -> JsonPatch.apply(json(POD), ops));
        assertEquals(413, e.code());
        assertEquals("The allowed maximum operations in a JSON patch is 10000, got 10001", e.getMessage());
    }

    @Test
    void aFailingOperationLeavesNoHalfAppliedState() {
        JsonNode pod = json(POD);
        assertThrows(ApiException.class, () -> JsonPatch.apply(pod, json(
                "[{'op':'replace','path':'/metadata/name','value':'q'},{'op':'test','path':'/metadata/name','value':'p'}]")));
        assertEquals("p", pod.at("/metadata/name").asText());
    }
}
