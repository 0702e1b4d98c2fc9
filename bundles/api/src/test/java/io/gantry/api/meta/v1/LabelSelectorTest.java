package io.gantry.api.meta.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Deployment's or ReplicaSet's selector matches labels as Kubernetes' LabelSelectorAsSelector. */
class LabelSelectorTest {

    private static final List<Map<String, String>> LABELS = List.of(
            Map.of(),
            Map.of("app", "web"),
            Map.of("app", "web", "tier", "front"),
            Map.of("app", "web", "tier", "back", "canary", ""),
            Map.of("app", "db", "tier", "back"));

    private static LabelSelector read(String yaml) {
        return Json.readYaml(yaml, LabelSelector.class);
    }

    @Test
    void matchLabelsAndEveryOperator() {
        LabelSelector selector = read("""
                matchLabels:
                  app: web
                matchExpressions:
                - {key: tier, operator: In, values: [front, back]}
                - {key: canary, operator: DoesNotExist}
                """);
        assertFalse(selector.matches(Map.of()));
        assertFalse(selector.matches(Map.of("app", "web")), "In needs the label");
        assertTrue(selector.matches(Map.of("app", "web", "tier", "front")));
        assertFalse(selector.matches(Map.of("app", "web", "tier", "front", "canary", "")));
        assertFalse(selector.matches(Map.of("app", "db", "tier", "front")));

        LabelSelector notIn = read("matchExpressions: [{key: tier, operator: NotIn, values: [back]}, {key: app, operator: Exists}]");
        assertTrue(notIn.matches(Map.of("app", "x")), "NotIn matches an absent label");
        assertTrue(notIn.matches(Map.of("app", "x", "tier", "front")));
        assertFalse(notIn.matches(Map.of("app", "x", "tier", "back")));
        assertFalse(notIn.matches(null));
    }

    @Test
    void theEmptySelectorMatchesEverything() {
        assertTrue(new LabelSelector().matches(Map.of("a", "b")));
        assertTrue(read("{}").matches(null));
        assertTrue(read("matchLabels: {}\nmatchExpressions: []").isEmpty());
        assertEquals("", new LabelSelector().asString());
    }

    @Test
    void aSelectorKubernetesCannotConvertMatchesNothing() {
        for (String yaml : List.of(
                "matchExpressions: [{key: a, operator: In, values: []}]",
                "matchExpressions: [{key: a, operator: NotIn}]",
                "matchExpressions: [{key: a, operator: Exists, values: [x]}]",
                "matchExpressions: [{key: a, operator: Equals, values: [x]}]",
                "matchExpressions: [{key: a}]")) {
            LabelSelector selector = read(yaml);
            assertFalse(selector.isValid(), yaml);
            assertFalse(selector.matches(Map.of("a", "x")), yaml);
            assertThrows(IllegalArgumentException.class, selector::asString, yaml);
        }
    }

    @Test
    void theStringFormIsSortedByKeyAndSelectsTheSame() {
        LabelSelector selector = read("""
                matchLabels: {tier: back, app: web}
                matchExpressions:
                - {key: zone, operator: NotIn, values: [b, a]}
                - {key: canary, operator: DoesNotExist}
                - {key: app, operator: Exists}
                """);
        assertEquals("app=web,app,!canary,tier=back,zone notin (a,b)", selector.asString());
        io.gantry.api.client.LabelSelector parsed = io.gantry.api.client.LabelSelector.parse(selector.asString());
        for (Map<String, String> labels : LABELS) {
            assertEquals(selector.matches(labels), parsed.test(labels), labels.toString());
        }
        assertTrue(selector.matches(Map.of("app", "web", "tier", "back")));
    }

    @Test
    void ofEqualLabels() {
        LabelSelector selector = LabelSelector.of(Map.of("app", "web"));
        assertEquals("app=web", selector.asString());
        assertEquals("{\"matchLabels\":{\"app\":\"web\"}}", Json.write(selector));
    }
}
