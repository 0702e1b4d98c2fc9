package io.gantry.apiserver.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.gantry.api.client.ApiException;
import io.kubernetes.client.proto.IntStr.IntOrString;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Meta.MicroTime;
import io.kubernetes.client.proto.Meta.ObjectMeta;
import io.kubernetes.client.proto.Meta.Time;
import io.kubernetes.client.proto.Resource.Quantity;
import io.kubernetes.client.proto.Runtime.TypeMeta;
import io.kubernetes.client.proto.Runtime.Unknown;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Coordination;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Protobuf bodies built with the Kubernetes project's generated classes, as client-go sends them,
 * decoded to the JSON Go's encoding/json writes for the same object; and JSON trees encoded and
 * decoded back unchanged.
 */
class ProtobufCodecTest {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Schemas SCHEMAS = new Schemas();
    static final ProtobufCodec CODEC = new ProtobufCodec(SCHEMAS, MAPPER);

    /** The wire form client-go writes: magic, then runtime.Unknown with the kind's message as raw. */
    static byte[] wire(String apiVersion, String kind, Message object) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0x6b, 0x38, 0x73, 0x00});
        Unknown.newBuilder()
                .setTypeMeta(TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
                .setRaw(object.toByteString())
                .setContentEncoding("")
                .setContentType("")
                .build().writeTo(out);
        return out.toByteArray();
    }

    static JsonNode json(String text) throws Exception {
        return MAPPER.readTree(text.replace('\'', '"'));
    }

    /** Numbers compared by value (an int64 field decodes to a long node, the expectation parses to an int). */
    static void assertJson(String expected, JsonNode actual) throws Exception {
        assertEquals(json(expected), MAPPER.readTree(MAPPER.writeValueAsBytes(actual)));
    }

    static ObjectMeta.Builder meta(String name) {
        // client-go always writes creationTimestamp (an empty Time for the zero time) and the
        // non-pointer scalars, empty or not.
        return ObjectMeta.newBuilder().setName(name).setNamespace("").setGenerateName("")
                .setCreationTimestamp(Time.newBuilder()).setGeneration(0);
    }

    @Test
    void pod() throws Exception {
        V1.Pod pod = V1.Pod.newBuilder()
                .setMetadata(meta("web").setNamespace("default").putLabels("app", "web")
                        .setCreationTimestamp(Time.newBuilder().setSeconds(1704164645L).setNanos(0)))
                .setSpec(V1.PodSpec.newBuilder()
                        .addContainers(V1.Container.newBuilder().setName("nginx").setImage("nginx:1.25")
                                .addCommand("sh").addCommand("-c").addCommand("")
                                // Go writes these zeros in protobuf; its JSON leaves them out (omitempty)
                                .setStdin(false).setTty(false).setWorkingDir("")
                                .addPorts(V1.ContainerPort.newBuilder().setContainerPort(80).setProtocol("TCP"))
                                .setReadinessProbe(V1.Probe.newBuilder()
                                        .setHandler(V1.ProbeHandler.newBuilder().setHttpGet(V1.HTTPGetAction.newBuilder()
                                                .setPath("/").setPort(IntOrString.newBuilder().setType(1).setStrVal("http"))))
                                        .setPeriodSeconds(5))
                                .addEnv(V1.EnvVar.newBuilder().setName("SECRET").setValueFrom(V1.EnvVarSource.newBuilder()
                                        .setSecretKeyRef(V1.SecretKeySelector.newBuilder().setKey("k").setLocalObjectReference(
                                                V1.LocalObjectReference.newBuilder().setName("s"))))))
                        .addVolumes(V1.Volume.newBuilder().setName("data").setVolumeSource(V1.VolumeSource.newBuilder()
                                .setEmptyDir(V1.EmptyDirVolumeSource.newBuilder().setMedium(""))))
                        .setTerminationGracePeriodSeconds(0))
                .build();
        assertJson("""
                {'apiVersion':'v1','kind':'Pod',
                 'metadata':{'name':'web','namespace':'default','labels':{'app':'web'},
                             'creationTimestamp':'2024-01-02T03:04:05Z'},
                 'spec':{'containers':[{'name':'nginx','image':'nginx:1.25','command':['sh','-c',''],
                           'ports':[{'containerPort':80,'protocol':'TCP'}],
                           'readinessProbe':{'httpGet':{'path':'/','port':'http'},'periodSeconds':5},
                           'env':[{'name':'SECRET','valueFrom':{'secretKeyRef':{'name':'s','key':'k'}}}]}],
                         'volumes':[{'name':'data','emptyDir':{}}],
                         'terminationGracePeriodSeconds':0}}
                """, CODEC.decode(wire("v1", "Pod", pod)));
    }

    @Test
    void deploymentKeepsZeroReplicasAndIntOrStringPercentages() throws Exception {
        V1Apps.Deployment deployment = V1Apps.Deployment.newBuilder()
                .setMetadata(meta("web"))
                .setSpec(V1Apps.DeploymentSpec.newBuilder()
                        .setReplicas(0)
                        .setSelector(Meta.LabelSelector.newBuilder().putMatchLabels("app", "web"))
                        .setStrategy(V1Apps.DeploymentStrategy.newBuilder().setType("RollingUpdate")
                                .setRollingUpdate(V1Apps.RollingUpdateDeployment.newBuilder()
                                        .setMaxSurge(IntOrString.newBuilder().setType(1).setStrVal("25%"))
                                        .setMaxUnavailable(IntOrString.newBuilder().setType(0).setIntVal(1))))
                        .setTemplate(V1.PodTemplateSpec.newBuilder()
                                .setMetadata(meta("").putLabels("app", "web"))
                                .setSpec(V1.PodSpec.newBuilder().addContainers(V1.Container.newBuilder()
                                        .setName("nginx").setImage("nginx").setResources(V1.ResourceRequirements.newBuilder())))))
                .setStatus(V1Apps.DeploymentStatus.newBuilder())
                .build();
        assertJson("""
                {'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},
                 'spec':{'replicas':0,'selector':{'matchLabels':{'app':'web'}},
                         'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'25%','maxUnavailable':1}},
                         'template':{'metadata':{'labels':{'app':'web'}},
                                     'spec':{'containers':[{'name':'nginx','image':'nginx','resources':{}}]}}},
                 'status':{}}
                """, CODEC.decode(wire("apps/v1", "Deployment", deployment)));
    }

    @Test
    void secretBytesAreBase64() throws Exception {
        V1.Secret secret = V1.Secret.newBuilder()
                .setMetadata(meta("creds"))
                .putData("password", ByteString.copyFrom("s3cr\u00e9t\n", StandardCharsets.UTF_8))
                .putData("empty", ByteString.EMPTY)
                .putStringData("user", "admin")
                .setType("Opaque")
                .build();
        assertJson("""
                {'apiVersion':'v1','kind':'Secret','metadata':{'name':'creds'},
                 'data':{'password':'czNjcsOpdAo=','empty':''},'stringData':{'user':'admin'},'type':'Opaque'}
                """, CODEC.decode(wire("v1", "Secret", secret)));
    }

    @Test
    void serviceTargetPortIsIntOrString() throws Exception {
        V1.Service service = V1.Service.newBuilder()
                .setMetadata(meta("web"))
                .setSpec(V1.ServiceSpec.newBuilder().setType("ClusterIP").putSelector("app", "web")
                        .addPorts(V1.ServicePort.newBuilder().setName("http").setPort(80).setProtocol("TCP")
                                .setTargetPort(IntOrString.newBuilder().setType(0).setIntVal(8080)))
                        .addPorts(V1.ServicePort.newBuilder().setName("admin").setPort(81)
                                .setTargetPort(IntOrString.newBuilder().setType(1).setStrVal("admin"))))
                .build();
        assertJson("""
                {'apiVersion':'v1','kind':'Service','metadata':{'name':'web'},
                 'spec':{'type':'ClusterIP','selector':{'app':'web'},
                         'ports':[{'name':'http','port':80,'protocol':'TCP','targetPort':8080},
                                  {'name':'admin','port':81,'targetPort':'admin'}]}}
                """, CODEC.decode(wire("v1", "Service", service)));
    }

    @Test
    void nodeCapacityIsQuantityStrings() throws Exception {
        V1.Node node = V1.Node.newBuilder()
                .setMetadata(meta("node-1"))
                .setStatus(V1.NodeStatus.newBuilder()
                        .putCapacity("cpu", Quantity.newBuilder().setString("4").build())
                        .putCapacity("memory", Quantity.newBuilder().setString("16Gi").build())
                        .putAllocatable("cpu", Quantity.newBuilder().setString("3500m").build())
                        .addConditions(V1.NodeCondition.newBuilder().setType("Ready").setStatus("True")
                                .setLastHeartbeatTime(Time.newBuilder().setSeconds(0).setNanos(0))))
                .build();
        assertJson("""
                {'apiVersion':'v1','kind':'Node','metadata':{'name':'node-1'},
                 'status':{'capacity':{'cpu':'4','memory':'16Gi'},'allocatable':{'cpu':'3500m'},
                           'conditions':[{'type':'Ready','status':'True','lastHeartbeatTime':'1970-01-01T00:00:00Z'}]}}
                """, CODEC.decode(wire("v1", "Node", node)));
    }

    @Test
    void leaseTimesAreMicroTime() throws Exception {
        V1Coordination.Lease lease = V1Coordination.Lease.newBuilder()
                .setMetadata(meta("kube-scheduler"))
                .setSpec(V1Coordination.LeaseSpec.newBuilder().setHolderIdentity("node-1").setLeaseDurationSeconds(15)
                        .setAcquireTime(MicroTime.newBuilder().setSeconds(1704164645L).setNanos(123456789))
                        .setRenewTime(MicroTime.newBuilder().setSeconds(1704164645L).setNanos(0)))
                .build();
        assertJson("""
                {'apiVersion':'coordination.k8s.io/v1','kind':'Lease','metadata':{'name':'kube-scheduler'},
                 'spec':{'holderIdentity':'node-1','leaseDurationSeconds':15,
                         'acquireTime':'2024-01-02T03:04:05.123456Z','renewTime':'2024-01-02T03:04:05.000000Z'}}
                """, CODEC.decode(wire("coordination.k8s.io/v1", "Lease", lease)));
    }

    @Test
    void managedFieldsAndRawExtensionsAreEmbeddedJson() throws Exception {
        V1Apps.ControllerRevision revision = V1Apps.ControllerRevision.newBuilder()
                .setMetadata(meta("rev").addManagedFields(Meta.ManagedFieldsEntry.newBuilder().setManager("kubectl")
                        .setOperation("Update").setFieldsType("FieldsV1")
                        .setFieldsV1(Meta.FieldsV1.newBuilder().setRaw(ByteString.copyFromUtf8("{\"f:data\":{}}")))))
                .setData(io.kubernetes.client.proto.Runtime.RawExtension.newBuilder()
                        .setRaw(ByteString.copyFromUtf8("{\"spec\":{\"x\":[1,2]}}")))
                .setRevision(3)
                .build();
        assertJson("""
                {'apiVersion':'apps/v1','kind':'ControllerRevision',
                 'metadata':{'name':'rev','managedFields':[{'manager':'kubectl','operation':'Update',
                             'fieldsType':'FieldsV1','fieldsV1':{'f:data':{}}}]},
                 'data':{'spec':{'x':[1,2]}},'revision':3}
                """, CODEC.decode(wire("apps/v1", "ControllerRevision", revision)));
    }

    @Test
    void int64BeyondDoublePrecisionStaysExact() throws Exception {
        V1.Pod pod = V1.Pod.newBuilder().setMetadata(meta("p").setGeneration(9007199254740993L)).build();
        assertEquals(9007199254740993L, CODEC.decode(wire("v1", "Pod", pod)).at("/metadata/generation").longValue());
    }

    static List<String> roundTrips() {
        return List.of(
                """
                {'apiVersion':'v1','kind':'Pod','metadata':{'name':'web','namespace':'default','labels':{'a':'b'},
                  'creationTimestamp':'2024-01-02T03:04:05Z','ownerReferences':[{'apiVersion':'apps/v1','kind':'ReplicaSet',
                  'name':'rs','uid':'u-1','controller':true}]},
                 'spec':{'containers':[{'name':'c','image':'i','resources':{'limits':{'cpu':'500m','memory':'64Mi'}},
                   'livenessProbe':{'tcpSocket':{'port':8080},'failureThreshold':3},
                   'envFrom':[{'configMapRef':{'name':'cm','optional':true}}]}],
                   'volumes':[{'name':'v','configMap':{'name':'cm','defaultMode':420}}],
                   'tolerations':[{'key':'k','operator':'Exists','effect':'NoExecute','tolerationSeconds':5}]},
                 'status':{'phase':'Running','podIP':'127.1.0.5','startTime':'2024-01-02T03:04:06Z',
                   'conditions':[{'type':'Ready','status':'True'}]}}
                """,
                """
                {'apiVersion':'v1','kind':'PodList','metadata':{'resourceVersion':'42','continue':'abc'},
                 'items':[{'metadata':{'name':'a'}},{'metadata':{'name':'b'},'spec':{'nodeName':'n1'}}]}
                """,
                """
                {'apiVersion':'v1','kind':'Status','metadata':{},'status':'Failure','message':'pods \\"x\\" not found',
                 'reason':'NotFound','details':{'name':'x','kind':'pods'},'code':404}
                """,
                """
                {'apiVersion':'v1','kind':'Secret','metadata':{'name':'s'},'data':{'k':'AAECAwQ='},'type':'Opaque'}
                """,
                """
                {'apiVersion':'events.k8s.io/v1','kind':'Event','metadata':{'name':'e'},'eventTime':'2024-01-02T03:04:05.000001Z',
                 'reportingController':'gantry','action':'Scheduled','reason':'Scheduled','type':'Normal',
                 'regarding':{'kind':'Pod','name':'p'},'series':{'count':2,'lastObservedTime':'2024-01-02T03:04:06.500000Z'}}
                """,
                """
                {'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d'},'spec':{'replicas':0,
                 'selector':{'matchExpressions':[{'key':'app','operator':'In','values':['a','b']}]},
                 'template':{'spec':{'containers':[{'name':'c','image':'i'}]}},
                 'strategy':{'rollingUpdate':{'maxSurge':'25%','maxUnavailable':0}}},
                 'status':{'replicas':1,'conditions':[{'type':'Available','status':'True','lastUpdateTime':'2024-01-02T03:04:05Z'}]}}
                """,
                """
                {'apiVersion':'discovery.k8s.io/v1','kind':'EndpointSlice','metadata':{'name':'web-abc'},'addressType':'IPv4',
                 'endpoints':[{'addresses':['127.1.0.5'],'conditions':{'ready':true}}],'ports':[{'name':'http','port':80}]}
                """,
                """
                {'apiVersion':'autoscaling/v1','kind':'Scale','metadata':{'name':'d'},'spec':{'replicas':3},
                 'status':{'replicas':2,'selector':'app=web'}}
                """,
                """
                {'apiVersion':'policy/v1','kind':'Eviction','metadata':{'name':'p'},'deleteOptions':{'gracePeriodSeconds':0}}
                """);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("roundTrips")
    void encodeThenDecodeGivesTheSameTree(String text) throws Exception {
        ObjectNode object = (ObjectNode) json(text);
        byte[] wire = CODEC.encode(object);
        assertArrayEquals(new byte[] {0x6b, 0x38, 0x73, 0x00}, java.util.Arrays.copyOf(wire, 4));
        assertJson(text, CODEC.decode(wire));
    }

    @Test
    void encodedObjectsReadWithTheGeneratedClasses() throws Exception {
        byte[] wire = CODEC.encode((ObjectNode) json("""
                {'apiVersion':'v1','kind':'Service','metadata':{'name':'web','creationTimestamp':'2024-01-02T03:04:05Z'},
                 'spec':{'ports':[{'port':80,'targetPort':'http'}]}}
                """));
        Unknown envelope = Unknown.parseFrom(java.util.Arrays.copyOfRange(wire, 4, wire.length));
        assertEquals("v1", envelope.getTypeMeta().getApiVersion());
        assertEquals("Service", envelope.getTypeMeta().getKind());
        V1.Service service = V1.Service.parseFrom(envelope.getRaw());
        assertEquals(1704164645L, service.getMetadata().getCreationTimestamp().getSeconds());
        assertEquals(1, service.getSpec().getPorts(0).getTargetPort().getType());
        assertEquals("http", service.getSpec().getPorts(0).getTargetPort().getStrVal());
    }

    @Test
    void notProtobufIsABadRequest() {
        ApiException e = assertThrows(ApiException.class, () -> CODEC.decode("{}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(400, e.code());
        assertTrue(e.getMessage().contains("expected prefix [107 56 115 0]"), e.getMessage());
    }

    @Test
    void unservedKindIsABadRequest() throws Exception {
        ApiException e = assertThrows(ApiException.class,
                () -> CODEC.decode(wire("batch/v1", "Job", V1.Pod.getDefaultInstance())));
        assertEquals("no kind \"Job\" is registered for version \"batch/v1\"", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 5, 9})
    void truncatedBodiesAreBadRequests(int length) throws Exception {
        byte[] whole = wire("v1", "Pod", V1.Pod.newBuilder().setMetadata(meta("web")).build());
        ApiException e = assertThrows(ApiException.class,
                () -> CODEC.decode(java.util.Arrays.copyOf(whole, length)));
        assertEquals(400, e.code());
    }
}
