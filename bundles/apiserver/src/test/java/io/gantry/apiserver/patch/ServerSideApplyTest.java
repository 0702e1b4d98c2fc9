package io.gantry.apiserver.patch;

import static io.gantry.apiserver.patch.Json.json;
import static io.gantry.apiserver.patch.Json.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import io.gantry.api.client.ApiException;
import io.gantry.api.meta.v1.StatusCause;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServerSideApplyTest {

    private static final Descriptor DEPLOYMENT = V1Apps.Deployment.getDescriptor();
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final Instant T1 = Instant.parse("2026-11-23T10:05:00Z");

    /** What `kubectl apply --server-side -f web.yaml` sends (its YAML, decoded). */
    private static final String WEB = "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','labels':{'app':'web'}},"
            + "'spec':{'replicas':2,'selector':{'matchLabels':{'app':'web'}},'template':{'metadata':{'labels':{'app':'web'}},"
            + "'spec':{'containers':[{'name':'web','image':'nginx:1.25','ports':[{'containerPort':80}]}]}}}}";

    private static final String WEB_FIELDS = "{'f:metadata':{'f:labels':{'f:app':{}}},'f:spec':{'f:replicas':{},'f:selector':{},"
            + "'f:template':{'f:metadata':{'f:labels':{'f:app':{}}},'f:spec':{'f:containers':{'k:{\\'name\\':\\'web\\'}':"
            + "{'.':{},'f:image':{},'f:name':{},'f:ports':{'k:{\\'containerPort\\':80,\\'protocol\\':\\'TCP\\'}':"
            + "{'.':{},'f:containerPort':{}}}}}}}}}";

    private static ObjectNode apply(ObjectNode live, String config, String manager, boolean force, Instant now) {
        return ServerSideApply.apply(DEPLOYMENT, "apps/v1", live, json(config), manager, force, Set.of("status"), now);
    }

    private static JsonNode entry(JsonNode object, String manager, String operation) {
        for (JsonNode e : object.at("/metadata/managedFields")) {
            if (e.path("manager").asText().equals(manager) && e.path("operation").asText().equals(operation)) {
                return e;
            }
        }
        return null;
    }

    private static JsonNode fieldsV1(String singleQuoted) {
        return json(singleQuoted.replace("\\'", "\\\""));
    }

    @Test
    void applyToAMissingObjectCreatesItOwnedByTheManager() {
        ObjectNode created = apply(null, WEB, "kubectl", false, T0);

        ObjectNode withoutManaged = created.deepCopy();
        ((ObjectNode) withoutManaged.get("metadata")).remove("managedFields");
        assertEquals(json(WEB), withoutManaged);
        JsonNode entries = created.at("/metadata/managedFields");
        assertEquals(1, entries.size());
        JsonNode mine = entries.get(0);
        assertEquals("kubectl", mine.get("manager").asText());
        assertEquals("Apply", mine.get("operation").asText());
        assertEquals("apps/v1", mine.get("apiVersion").asText());
        assertEquals("2026-11-23T10:00:00Z", mine.get("time").asText());
        assertEquals("FieldsV1", mine.get("fieldsType").asText());
        assertEquals(fieldsV1(WEB_FIELDS), mine.get("fieldsV1"));
    }

    @Test
    void applyingAgainChangesWhatChangedAndRemovesWhatTheManagerNoLongerApplies() {
        ObjectNode live = apply(null, WEB, "kubectl", false, T0);
        // Server defaults that nobody applied stay.
        ((ObjectNode) live.get("spec")).put("revisionHistoryLimit", 10);
        String changed = WEB.replace("'replicas':2,", "").replace("nginx:1.25", "nginx:1.27")
                .replace("'labels':{'app':'web'}},'spec':{'replicas'", "'labels':{'app':'web'}},'spec':{'replicas'");

        ObjectNode updated = apply(live, changed, "kubectl", false, T1);

        assertEquals("nginx:1.27", updated.at("/spec/template/spec/containers/0/image").asText());
        assertTrue(updated.at("/spec/replicas").isMissingNode(), "replicas was applied before and is no more");
        assertEquals(10, updated.at("/spec/revisionHistoryLimit").asInt());
        JsonNode mine = entry(updated, "kubectl", "Apply");
        assertTrue(mine.at("/fieldsV1/f:spec/f:replicas").isMissingNode());
        assertEquals("2026-11-23T10:05:00Z", mine.get("time").asText());
    }

    @Test
    void aContainerNoLongerAppliedIsRemovedAndAnEnvChangeIsMerged() {
        String two = WEB.replace("'ports':[{'containerPort':80}]}]",
                "'ports':[{'containerPort':80}],'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]},"
                        + "{'name':'sidecar','image':'busybox'}]");
        ObjectNode live = apply(null, two, "kubectl", false, T0);
        String one = WEB.replace("'ports':[{'containerPort':80}]}]",
                "'ports':[{'containerPort':80}],'env':[{'name':'A','value':'9'}]}]");

        ObjectNode updated = apply(live, one, "kubectl", false, T1);

        assertEquals(json("[{'name':'web','image':'nginx:1.25','ports':[{'containerPort':80}],'env':[{'name':'A','value':'9'}]}]"),
                updated.at("/spec/template/spec/containers"));
    }

    @Test
    void applyingTheSameConfigurationChangesNothingAndKeepsTheTime() {
        ObjectNode live = apply(null, WEB, "kubectl", false, T0);
        ObjectNode again = apply(live, WEB, "kubectl", false, T1);
        assertEquals(live, again);
    }

    /** An object written by `kubectl apply` (client-side): an Update by kubectl-client-side-apply. */
    private static ObjectNode clientSideApplied() {
        return ServerSideApply.update(DEPLOYMENT, "apps/v1", null, null, object(WEB), "kubectl-client-side-apply",
                Set.of("status"), T0);
    }

    @Test
    void anOrdinaryWriteRecordsItsFieldsAsAnUpdate() {
        ObjectNode created = clientSideApplied();
        JsonNode theirs = entry(created, "kubectl-client-side-apply", "Update");
        assertEquals("apps/v1", theirs.get("apiVersion").asText());
        assertEquals("2026-11-23T10:00:00Z", theirs.get("time").asText());
        // Maps created by the write are owned themselves ("."), structs that Go always carries are
        // not; a new container's empty resources are, as kube-apiserver records them.
        assertEquals(fieldsV1("{'f:metadata':{'f:labels':{'.':{},'f:app':{}}},'f:spec':{'f:replicas':{},'f:selector':{},"
                + "'f:template':{'f:metadata':{'f:labels':{'.':{},'f:app':{}}},'f:spec':{'f:containers':{'k:{\\'name\\':\\'web\\'}':"
                + "{'.':{},'f:image':{},'f:name':{},'f:ports':{'.':{},'k:{\\'containerPort\\':80,\\'protocol\\':\\'TCP\\'}':"
                + "{'.':{},'f:containerPort':{}}},'f:resources':{}}}}}}}"), theirs.get("fieldsV1"));
    }

    @Test
    void anUpdateTakesChangedFieldsFromTheirOwner() {
        ObjectNode created = clientSideApplied();
        ObjectNode scaled = created.deepCopy();
        ((ObjectNode) scaled.get("spec")).put("replicas", 5);
        ObjectNode result = ServerSideApply.update(DEPLOYMENT, "apps/v1", null, created, scaled, "kubectl-scale", Set.of("status"), T1);
        assertTrue(entry(result, "kubectl-client-side-apply", "Update").at("/fieldsV1/f:spec/f:replicas").isMissingNode());
        assertEquals(fieldsV1("{'f:spec':{'f:replicas':{}}}"), entry(result, "kubectl-scale", "Update").get("fieldsV1"));
    }

    @Test
    void atMostTenUpdateManagersTheOldestMergedIntoAncientChanges() {
        ObjectNode object = clientSideApplied();
        for (int i = 1; i <= 11; i++) {
            ObjectNode next = object.deepCopy();
            ((ObjectNode) next.at("/metadata/labels")).put("l" + i, "v");
            object = ServerSideApply.update(DEPLOYMENT, "apps/v1", null, object, next, "writer-" + i, Set.of(),
                    T0.plusSeconds(i));
        }
        JsonNode entries = object.at("/metadata/managedFields");
        assertEquals(10, entries.size());
        JsonNode ancient = entry(object, "ancient-changes", "Update");
        // The client-side apply (oldest) and writer-1 and writer-2 are one entry now.
        assertFalse(ancient.at("/fieldsV1/f:spec/f:replicas").isMissingNode());
        assertFalse(ancient.at("/fieldsV1/f:metadata/f:labels/f:l2").isMissingNode());
        assertNull(entry(object, "writer-2", "Update"));
        assertFalse(entry(object, "writer-3", "Update") == null);
    }

    @Test
    void anUpdateOfAnUntrackedObjectStaysUntracked() {
        ObjectNode old = object(WEB);
        ObjectNode updated = ServerSideApply.update(DEPLOYMENT, "apps/v1", null, old, object(WEB.replace("'replicas':2", "'replicas':3")),
                "kubectl-edit", Set.of(), T1);
        assertTrue(updated.at("/metadata/managedFields").isMissingNode());
    }

    @Test
    void aFieldAnotherManagerOwnsWithADifferentValueIsAConflict() {
        ObjectNode live = clientSideApplied();
        ApiException e = assertThrows(ApiException.class,
                () -> apply(live, WEB.replace("'replicas':2", "'replicas':3"), "kubectl", false, T1));

        assertEquals(409, e.code());
        assertEquals("Conflict", e.reason());
        assertEquals("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas",
                e.getMessage());
        StatusCause cause = e.status().details.causes.get(0);
        assertEquals("FieldManagerConflict", cause.reason);
        assertEquals("conflict with \"kubectl-client-side-apply\" using apps/v1", cause.message);
        assertEquals(".spec.replicas", cause.field);
    }

    @Test
    void theSameValueIsSharedOwnershipNotAConflict() {
        ObjectNode live = clientSideApplied();
        ObjectNode result = apply(live, WEB, "kubectl", false, T1);
        assertFalse(entry(result, "kubectl-client-side-apply", "Update").at("/fieldsV1/f:spec/f:replicas").isMissingNode());
        assertFalse(entry(result, "kubectl", "Apply").at("/fieldsV1/f:spec/f:replicas").isMissingNode());
    }

    @Test
    void severalConflictsAreListedPerManager() {
        ObjectNode live = clientSideApplied();
        ApiException e = assertThrows(ApiException.class, () -> apply(live,
                WEB.replace("'replicas':2", "'replicas':3").replace("nginx:1.25", "nginx:1.27"), "kubectl", false, T1));
        assertEquals("Apply failed with 2 conflicts: conflicts with \"kubectl-client-side-apply\" using apps/v1:\n"
                + "- .spec.replicas\n- .spec.template.spec.containers[name=\"web\"].image", e.getMessage());
        assertEquals(2, e.status().details.causes.size());
        assertEquals(".spec.template.spec.containers[name=\"web\"].image", e.status().details.causes.get(1).field);
    }

    /** What `kubectl apply` (client-side) stores: its Update and the last-applied annotation. */
    private static ObjectNode clientSideAppliedWithAnnotation(String lastApplied) {
        ObjectNode object = object(WEB);
        ((ObjectNode) object.get("metadata")).putObject("annotations")
                .put(ServerSideApply.LAST_APPLIED, json(lastApplied).toString() + "\n");
        return ServerSideApply.update(DEPLOYMENT, "apps/v1", null, null, object, "kubectl-client-side-apply", Set.of("status"), T0);
    }

    @Test
    void kubectlMovingFromClientSideApplyTakesTheFieldsTheAnnotationStillDescribes() {
        ObjectNode live = clientSideAppliedWithAnnotation(WEB);
        String scaled = WEB.replace("'replicas':2", "'replicas':3");

        ObjectNode result = apply(live, scaled, "kubectl", false, T1);

        assertEquals(3, result.at("/spec/replicas").asInt());
        assertTrue(entry(result, "kubectl-client-side-apply", "Update").at("/fieldsV1/f:spec/f:replicas").isMissingNode());
        // The annotation now holds what was applied, keys sorted as Go writes them.
        JsonNode annotation = json(result.at("/metadata/annotations").get(ServerSideApply.LAST_APPLIED).asText());
        assertEquals(json(scaled), annotation);
        assertTrue(result.at("/metadata/annotations").get(ServerSideApply.LAST_APPLIED).asText()
                .startsWith("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\""));
    }

    @Test
    void anotherManagerThanKubectlGetsNoSuchLeniency() {
        ObjectNode live = clientSideAppliedWithAnnotation(WEB);
        assertThrows(ApiException.class, () -> apply(live, WEB.replace("'replicas':2", "'replicas':3"), "helm", false, T1));
    }

    @Test
    void aFieldChangedSinceTheLastClientSideApplyStillConflicts() {
        ObjectNode live = clientSideAppliedWithAnnotation(WEB.replace("'replicas':2", "'replicas':7"));
        ApiException e = assertThrows(ApiException.class,
                () -> apply(live, WEB.replace("'replicas':2", "'replicas':3"), "kubectl", false, T1));
        assertEquals(".spec.replicas", e.status().details.causes.get(0).field);
    }

    @Test
    void forceTakesOwnership() {
        ObjectNode live = clientSideApplied();
        ObjectNode result = apply(live, WEB.replace("'replicas':2", "'replicas':3"), "kubectl", true, T1);
        assertEquals(3, result.at("/spec/replicas").asInt());
        assertTrue(entry(result, "kubectl-client-side-apply", "Update").at("/fieldsV1/f:spec/f:replicas").isMissingNode());
        assertFalse(entry(result, "kubectl", "Apply").at("/fieldsV1/f:spec/f:replicas").isMissingNode());
        assertEquals("2026-11-23T10:05:00Z", entry(result, "kubectl", "Apply").get("time").asText());
    }

    @Test
    void aFieldAnotherManagerStillOwnsIsNotRemoved() {
        ObjectNode live = clientSideApplied();
        ObjectNode applied = apply(live, WEB, "kubectl", false, T1);
        ObjectNode again = apply(applied, WEB.replace("'replicas':2,", ""), "kubectl", false, T1);
        assertEquals(2, again.at("/spec/replicas").asInt(), "kubectl-client-side-apply still owns replicas");
    }

    @Test
    void anObjectWithoutManagedFieldsIsOwnedBeforeFirstApply() {
        ObjectNode live = object(WEB);
        ApiException e = assertThrows(ApiException.class,
                () -> apply(live, WEB.replace("'replicas':2", "'replicas':3"), "kubectl", false, T1));
        assertEquals("conflict with \"before-first-apply\" using apps/v1", e.status().details.causes.get(0).message);
    }

    @Test
    void atomicSelectorIsOwnedWhole() {
        ObjectNode live = apply(null, WEB, "kubectl", false, T0);
        ObjectNode other = apply(live, "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},"
                + "'spec':{'selector':{'matchLabels':{'app':'web'}}}}", "other", false, T1);
        assertFalse(entry(other, "other", "Apply").at("/fieldsV1/f:spec/f:selector").isMissingNode());
        ApiException e = assertThrows(ApiException.class, () -> apply(other, "{'apiVersion':'apps/v1','kind':'Deployment',"
                + "'metadata':{'name':'web'},'spec':{'selector':{'matchLabels':{'app':'web','tier':'x'}}}}", "third", false, T1));
        assertEquals(2, e.status().details.causes.size(), "kubectl and other both own .spec.selector");
        assertEquals(".spec.selector", e.status().details.causes.get(0).field);
    }

    @Test
    void managedFieldsInTheConfigurationAreABadRequest() {
        ApiException e = assertThrows(ApiException.class, () -> apply(null,
                "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','managedFields':[{}]}}", "kubectl", false, T0));
        assertEquals(400, e.code());
        assertEquals("metadata.managedFields must be nil", e.getMessage());
    }

    @Test
    void aListItemWithoutItsKeyIsABadRequestNamingTheField() {
        ApiException e = assertThrows(ApiException.class, () -> apply(null,
                "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},'spec':{'template':{'spec':"
                        + "{'containers':[{'image':'nginx'}]}}}}", "kubectl", false, T0));
        assertEquals(400, e.code());
        assertTrue(e.getMessage().contains(".spec.template.spec.containers"), e.getMessage());
        assertTrue(e.getMessage().contains("omits key field \"name\""), e.getMessage());
    }

    @Test
    void duplicateKeysInTheConfigurationAreABadRequest() {
        ApiException e = assertThrows(ApiException.class, () -> apply(null,
                "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},'spec':{'template':{'spec':"
                        + "{'containers':[{'name':'a'},{'name':'a'}]}}}}", "kubectl", false, T0));
        assertEquals(400, e.code());
    }

    @Test
    void statusIsNotOwnedThroughTheMainResource() {
        ObjectNode result = ServerSideApply.apply(V1.Pod.getDescriptor(), "v1", null,
                json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},'spec':{'containers':[{'name':'c','image':'i'}]},"
                        + "'status':{'phase':'Running'}}"), "kubectl", false, Set.of("status"), T0);
        assertNull(entry(result, "kubectl", "Apply").get("fieldsV1").get("f:status"));
    }
}
