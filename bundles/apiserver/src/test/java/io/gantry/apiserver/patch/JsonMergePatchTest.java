package io.gantry.apiserver.patch;

import static io.gantry.apiserver.patch.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.client.ApiException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonMergePatchTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                // kubectl scale: PATCH .../scale with a merge patch
                Arguments.of("scale", "{'spec':{'replicas':1,'selector':{'app':'web'}}}",
                        "{'spec':{'replicas':3}}", "{'spec':{'replicas':3,'selector':{'app':'web'}}}"),
                Arguments.of("null deletes", "{'metadata':{'labels':{'a':'1','b':'2'}}}",
                        "{'metadata':{'labels':{'a':null}}}", "{'metadata':{'labels':{'b':'2'}}}"),
                Arguments.of("lists are replaced whole",
                        "{'spec':{'containers':[{'name':'a','image':'x'},{'name':'b','image':'y'}]}}",
                        "{'spec':{'containers':[{'name':'a','image':'z'}]}}",
                        "{'spec':{'containers':[{'name':'a','image':'z'}]}}"),
                Arguments.of("new object drops its nulls (RFC 7386 appendix A)", "{'a':'b'}",
                        "{'c':{'d':'e','f':null}}", "{'a':'b','c':{'d':'e'}}"),
                Arguments.of("scalar replaced by object", "{'a':'foo'}", "{'a':{'bb':'c'}}", "{'a':{'bb':'c'}}"),
                Arguments.of("null for a missing key", "{'a':1}", "{'b':null}", "{'a':1}"),
                // kubectl patch --type=merge -p '{"metadata":{"annotations":{"x":"y"}}}'
                Arguments.of("kubectl patch --type=merge", "{'metadata':{'name':'p'}}",
                        "{'metadata':{'annotations':{'x':'y'}}}", "{'metadata':{'name':'p','annotations':{'x':'y'}}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void merges(String name, String target, String patch, String expected) {
        JsonNode before = json(target);
        assertEquals(json(expected), JsonMergePatch.apply(before, json(patch)));
        assertEquals(json(target), before, "the target is left unchanged");
    }

    @Test
    void aPatchThatIsNotAnObjectIsABadRequest() {
        ApiException e = assertThrows(ApiException.class, () -> JsonMergePatch.apply(json("{}"), json("[1]")));
        assertEquals(400, e.code());
        assertEquals("BadRequest", e.reason());
    }
}
