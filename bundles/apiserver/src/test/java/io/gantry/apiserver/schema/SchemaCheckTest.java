package io.gantry.apiserver.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import io.gantry.api.meta.v1.StatusCause;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The schema check: each bad value named by its path and the type Kubernetes expects there. */
class SchemaCheckTest {

    /** The quick check of the API's own timestamps agrees with the full parser on every string. */
    @Test
    void timestampsAreJudgedAsTheFullParserJudgesThem() {
        List<String> samples = new java.util.ArrayList<>(List.of("2026-11-24T12:00:00Z", "2026-11-24T12:00:00.123456Z",
                "2026-02-29T00:00:00Z", "2024-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
                "2026-00-10T00:00:00Z", "2026-11-24T24:00:00Z", "2026-11-24T23:60:00Z", "2026-11-24T23:59:60Z",
                "2026-11-24T12:00:00.Z", "2026-11-24T12:00:00.1234567891Z", "2026-11-24t12:00:00z",
                "2026-11-24T12:00:00+01:00", "2026-11-24T12:00Z", "2026-11-24 12:00:00Z", "20261124T120000Z", ""));
        java.util.Random random = new java.util.Random(20261124);
        String alphabet = "0123456789-:TZ.+ ";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder mutated = new StringBuilder(samples.get(random.nextInt(2)));
            for (int changes = 1 + random.nextInt(2); changes > 0 && mutated.length() > 0; changes--) {
                mutated.setCharAt(random.nextInt(mutated.length()), alphabet.charAt(random.nextInt(alphabet.length())));
            }
            samples.add(mutated.toString());
        }
        for (String sample : samples) {
            boolean parsed;
            try {
                java.time.OffsetDateTime.parse(sample);
                parsed = true;
            } catch (java.time.format.DateTimeParseException e) {
                parsed = false;
            }
            assertEquals(parsed, SchemaCheck.dateTime(sample), sample);
        }
    }

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Schemas SCHEMAS = new Schemas();
    static final SchemaCheck CHECK = new SchemaCheck(SCHEMAS);

    static ObjectNode object(String json) throws Exception {
        return (ObjectNode) MAPPER.readTree(json.replace('\'', '"'));
    }

    static Descriptor kind(String apiVersion, String kind) {
        return SCHEMAS.kind(apiVersion, kind).orElseThrow();
    }

    static Stream<Arguments> invalidValues() {
        return Stream.of(
                // kind, body, field, reason, message
                Arguments.of("apps/v1/Deployment", "{'spec':{'replicas':'3'}}", "spec.replicas", "FieldValueTypeInvalid",
                        "Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\""),
                Arguments.of("apps/v1/Deployment", "{'spec':{'replicas':1.5}}", "spec.replicas", "FieldValueTypeInvalid",
                        "Invalid value: \"number\": spec.replicas in body must be of type integer: \"number\""),
                Arguments.of("apps/v1/Deployment", "{'spec':{'replicas':3000000000}}", "spec.replicas", "FieldValueInvalid",
                        "Invalid value: 3000000000: spec.replicas in body should be less than or equal to 2147483647"),
                Arguments.of("v1/Pod", "{'spec':{'containers':{'name':'x'}}}", "spec.containers", "FieldValueTypeInvalid",
                        "Invalid value: \"object\": spec.containers in body must be of type array: \"object\""),
                Arguments.of("v1/Pod", "{'spec':{'containers':['nginx']}}", "spec.containers[0]", "FieldValueTypeInvalid",
                        "Invalid value: \"string\": spec.containers[0] in body must be of type object: \"string\""),
                Arguments.of("v1/Pod", "{'spec':{'containers':[{'name':'c','ports':[{'containerPort':'80'}]}]}}",
                        "spec.containers[0].ports[0].containerPort", "FieldValueTypeInvalid",
                        "Invalid value: \"string\": spec.containers[0].ports[0].containerPort in body must be of type integer: \"string\""),
                Arguments.of("v1/Pod", "{'spec':{'containers':[{'name':'c','stdin':'yes'}]}}",
                        "spec.containers[0].stdin", "FieldValueTypeInvalid",
                        "Invalid value: \"string\": spec.containers[0].stdin in body must be of type boolean: \"string\""),
                Arguments.of("v1/Pod", "{'spec':{'containers':[{'name':7}]}}", "spec.containers[0].name", "FieldValueTypeInvalid",
                        "Invalid value: \"integer\": spec.containers[0].name in body must be of type string: \"integer\""),
                Arguments.of("v1/Pod", "{'metadata':{'labels':{'app':1}}}", "metadata.labels[app]", "FieldValueTypeInvalid",
                        "Invalid value: \"integer\": metadata.labels[app] in body must be of type string: \"integer\""),
                Arguments.of("v1/Pod", "{'metadata':{'labels':['app']}}", "metadata.labels", "FieldValueTypeInvalid",
                        "Invalid value: \"array\": metadata.labels in body must be of type object: \"array\""),
                Arguments.of("v1/Service", "{'spec':{'ports':[{'port':80,'targetPort':true}]}}", "spec.ports[0].targetPort",
                        "FieldValueTypeInvalid",
                        "Invalid value: \"boolean\": spec.ports[0].targetPort in body must be of type int-or-string: \"boolean\""),
                Arguments.of("v1/Service", "{'spec':{'ports':[{'port':80,'targetPort':99999999999}]}}",
                        "spec.ports[0].targetPort", "FieldValueInvalid",
                        "Invalid value: 99999999999: spec.ports[0].targetPort in body should be less than or equal to 2147483647"),
                Arguments.of("v1/Pod", "{'spec':{'containers':[{'name':'c','resources':{'limits':{'cpu':'lots'}}}]}}",
                        "spec.containers[0].resources.limits[cpu]", "FieldValueInvalid",
                        "Invalid value: \"lots\": quantities must match the regular expression "
                                + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
                Arguments.of("v1/Pod", "{'spec':{'containers':[{'name':'c','resources':{'limits':{'memory':[]}}}]}}",
                        "spec.containers[0].resources.limits[memory]", "FieldValueTypeInvalid",
                        "Invalid value: \"array\": spec.containers[0].resources.limits[memory] in body must be of type string: \"array\""),
                Arguments.of("v1/Pod", "{'metadata':{'creationTimestamp':'yesterday'}}", "metadata.creationTimestamp",
                        "FieldValueInvalid",
                        "Invalid value: \"yesterday\": metadata.creationTimestamp in body must be of type date-time: \"yesterday\""),
                Arguments.of("v1/Pod", "{'metadata':{'creationTimestamp':5}}", "metadata.creationTimestamp",
                        "FieldValueTypeInvalid",
                        "Invalid value: \"integer\": metadata.creationTimestamp in body must be of type string: \"integer\""),
                Arguments.of("v1/Secret", "{'data':{'k':'not base64!'}}", "data[k]", "FieldValueInvalid",
                        "Invalid value: \"not base64!\": data[k] in body must be of type byte: \"not base64!\""),
                Arguments.of("v1/Secret", "{'kind':5}", "kind", "FieldValueTypeInvalid",
                        "Invalid value: \"integer\": kind in body must be of type string: \"integer\""),
                Arguments.of("coordination.k8s.io/v1/Lease", "{'spec':{'renewTime':'2024-13-01T00:00:00Z'}}", "spec.renewTime",
                        "FieldValueInvalid",
                        "Invalid value: \"2024-13-01T00:00:00Z\": spec.renewTime in body must be of type date-time: \"2024-13-01T00:00:00Z\""),
                Arguments.of("v1/Pod", "{'spec':{'volumes':[{'name':'v','configMap':{'name':3}}]}}",
                        "spec.volumes[0].configMap.name", "FieldValueTypeInvalid",
                        "Invalid value: \"integer\": spec.volumes[0].configMap.name in body must be of type string: \"integer\""),
                Arguments.of("v1/Pod", "{'spec':{'containers':[{'name':'c','readinessProbe':{'exec':{'command':'ls'}}}]}}",
                        "spec.containers[0].readinessProbe.exec.command", "FieldValueTypeInvalid",
                        "Invalid value: \"string\": spec.containers[0].readinessProbe.exec.command in body must be of type array: \"string\""),
                Arguments.of("v1/Node", "{'metadata':{'generation':9223372036854775808}}", "metadata.generation",
                        "FieldValueInvalid",
                        "Invalid value: 9223372036854775808: metadata.generation in body should be less than or equal to 9223372036854775807"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("invalidValues")
    void wrongValueIsNamedByPathAndExpectedType(String kind, String body, String field, String reason, String message)
            throws Exception {
        int slash = kind.lastIndexOf('/');
        SchemaCheck.Result result = CHECK.check(object(body), kind(kind.substring(0, slash), kind.substring(slash + 1)), false);
        assertEquals(List.of(), result.unknownFields());
        assertEquals(1, result.invalidValues().size(), () -> describe(result.invalidValues()));
        StatusCause cause = result.invalidValues().get(0);
        assertEquals(field, cause.field);
        assertEquals(reason, cause.reason);
        assertEquals(message, cause.message);
    }

    @Test
    void validObjectsPass() throws Exception {
        String[][] valid = {
            {"v1", "Pod", """
                {'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','labels':{'any/key.here':'v'},'annotations':null,
                 'creationTimestamp':null,'ownerReferences':[]},
                 'spec':{'containers':[{'name':'c','image':'i','ports':[{'containerPort':80}],
                   'resources':{'requests':{'cpu':0.5,'memory':'1e3','ephemeral-storage':'1Gi'},'limits':{'cpu':'-1.5m'}},
                   'readinessProbe':{'httpGet':{'port':'http','path':'/'},'initialDelaySeconds':0},
                   'env':[{'name':'A','valueFrom':{'secretKeyRef':{'name':'s','key':'k'}}}]}],
                   'volumes':[{'name':'v','emptyDir':{'sizeLimit':'1Gi'}},{'name':'w','secret':{'secretName':'s'}}],
                   'terminationGracePeriodSeconds':30,'activeDeadlineSeconds':9223372036854775807},
                 'status':{'startTime':'2024-01-02T03:04:05+02:00'}}
                """},
            {"v1", "Secret", "{'data':{'a':'','b':'AAECAwQ='},'stringData':{'c':'plain'},'type':'Opaque','immutable':true}"},
            {"apps/v1", "Deployment", """
                {'spec':{'replicas':0,'selector':{'matchLabels':{'a':'b'}},'strategy':{'rollingUpdate':{'maxSurge':'25%',
                 'maxUnavailable':1}},'template':{'metadata':{'labels':{'a':'b'}},'spec':{'containers':[{'name':'c'}]}}}}
                """},
            {"apps/v1", "ControllerRevision", "{'data':{'anything':[1,'two',{'three':null}]},'revision':1}"},
            {"v1", "Pod", "{'metadata':{'managedFields':[{'manager':'m','fieldsV1':{'f:metadata':{'f:labels':{}}}}]}}"},
            {"coordination.k8s.io/v1", "Lease", "{'spec':{'renewTime':'2024-01-02T03:04:05.123456Z','leaseDurationSeconds':15}}"},
        };
        for (String[] c : valid) {
            SchemaCheck.Result result = CHECK.check(object(c[2]), kind(c[0], c[1]), false);
            assertTrue(result.clean(), () -> c[1] + ": " + describe(result.unknownFields()) + describe(result.invalidValues()));
        }
    }

    @Test
    void unknownFieldsAreReportedWithPathsAndDroppedOnRequest() throws Exception {
        ObjectNode pod = object("""
                {'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','labelz':{}},'extra':1,
                 'spec':{'containers':[{'name':'c','imagee':'i','ports':[{'containerPort':80,'hostport':1}]}],
                   'volumes':[{'name':'v','emptyDir':{},'bogus':true}]}}
                """);
        SchemaCheck.Result kept = CHECK.check(pod.deepCopy(), kind("v1", "Pod"), false);
        assertEquals(List.of("metadata.labelz", "extra", "spec.containers[0].imagee", "spec.containers[0].ports[0].hostport",
                "spec.volumes[0].bogus"), kept.unknownFieldPaths());
        assertEquals("unknown field \"spec.containers[0].imagee\"", kept.unknownFields().get(2).message);
        assertEquals(List.of(), kept.invalidValues());

        SchemaCheck.Result dropped = CHECK.check(pod, kind("v1", "Pod"), true);
        assertEquals(kept.unknownFieldPaths(), dropped.unknownFieldPaths());
        assertEquals(object("""
                {'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},
                 'spec':{'containers':[{'name':'c','ports':[{'containerPort':80}]}],
                   'volumes':[{'name':'v','emptyDir':{}}]}}
                """), pod);
        assertTrue(CHECK.check(pod, kind("v1", "Pod"), false).clean());
    }

    @Test
    void typeMetaBelongsToObjectsOfKindsOnly() throws Exception {
        SchemaCheck.Result result = CHECK.check(object("{'spec':{'template':{'kind':'Pod'}}}"), kind("apps/v1", "Deployment"), false);
        assertEquals(List.of("spec.template.kind"), result.unknownFieldPaths());
        SchemaCheck.Result list = CHECK.check(object(
                "{'apiVersion':'v1','kind':'PodList','metadata':{},'items':[{'apiVersion':'v1','kind':'Pod','metadata':{'name':'a'}}]}"),
                kind("v1", "PodList"), false);
        assertTrue(list.clean(), () -> describe(list.unknownFields()));
        assertTrue(SCHEMAS.kind("v1", "PodTemplateSpec").isEmpty(), "a template is no kind");
    }

    @Test
    void everyServedKindIsFound() {
        for (String[] k : new String[][] {{"v1", "Pod"}, {"v1", "PodList"}, {"v1", "Service"}, {"v1", "Endpoints"}, {"v1", "Node"},
                {"v1", "Namespace"}, {"v1", "Secret"}, {"v1", "ConfigMap"}, {"v1", "ServiceAccount"},
                {"v1", "ReplicationController"}, {"v1", "Event"}, {"v1", "Binding"}, {"v1", "DeleteOptions"}, {"v1", "Status"},
                {"apps/v1", "Deployment"}, {"apps/v1", "ReplicaSet"}, {"apps/v1", "DeploymentList"},
                {"apps/v1", "DeleteOptions"}, {"events.k8s.io/v1", "Event"}, {"coordination.k8s.io/v1", "Lease"},
                {"discovery.k8s.io/v1", "EndpointSlice"}, {"autoscaling/v1", "Scale"}, {"policy/v1", "Eviction"},
                {"meta.k8s.io/v1", "DeleteOptions"}}) {
            assertTrue(SCHEMAS.kind(k[0], k[1]).isPresent(), k[0] + " " + k[1]);
        }
        assertEquals("k8s.io.api.events.v1.Event", SCHEMAS.kind("events.k8s.io/v1", "Event").orElseThrow().getFullName());
        assertTrue(SCHEMAS.kind("v1", "PodSpec").isEmpty(), "PodSpec is no kind");
        assertTrue(SCHEMAS.kind("batch/v1", "Job").isEmpty(), "batch is not served");
        assertEquals("PodSpec", SCHEMAS.message("k8s.io.api.core.v1.PodSpec").orElseThrow().getName());
        assertEquals("IntOrString", SCHEMAS.message("k8s.io.apimachinery.pkg.util.intstr.IntOrString").orElseThrow().getName());
        assertEquals(new Schemas.GroupVersionKind("apps", "v1", "Deployment"),
                SCHEMAS.kindOf(kind("apps/v1", "Deployment")).orElseThrow());
        assertEquals("io.k8s.api.core.v1.Pod", Schemas.definitionName(kind("v1", "Pod")));
    }

    static String describe(List<StatusCause> causes) {
        StringBuilder text = new StringBuilder();
        causes.forEach(c -> text.append(c.field).append(" ").append(c.reason).append(" ").append(c.message).append("; "));
        return text.toString();
    }
}
