package io.gantry.apiserver.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.apiserver.Kubectl;
import io.gantry.apiserver.Kubectl.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real kubectl against a recording server on loopback: the bodies of every
 * {@code kubectl create <kind>} generator (protobuf since 1.32, JSON before) decode to the object
 * kubectl meant and pass the schema check; kubectl leaves validation to the server once it reads
 * the OpenAPI v3 documents; and {@code kubectl explain} works from them.
 */
class KubectlBodiesTest {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Schemas SCHEMAS = new Schemas();
    static final BodyReader READER = new BodyReader(new ProtobufCodec(SCHEMAS, MAPPER));

    @TempDir
    static Path dir;
    static final Map<String, Kubectl> clients = new ConcurrentHashMap<>();
    static FakeApiServer server;

    @BeforeAll
    static void start() throws IOException {
        server = new FakeApiServer(ServedResources.KUBERNETES);
        Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: test
                  cluster:
                    server: %s
                contexts:
                - name: test
                  context:
                    cluster: test
                    namespace: default
                current-context: test
                """.formatted(server.url()));
        Files.writeString(dir.resolve("app.properties"), "a=1\nb=2\n");
        Files.write(dir.resolve("key.bin"), new byte[] {0, 1, (byte) 0xff});
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void forget() {
        server.writes.clear();
        server.answerProtobuf = false;
        server.rejectWith = null;
    }

    /** Each generator, and the object it means as Go's JSON would write it (without nulls). */
    static Stream<Arguments> generators() {
        List<Arguments> cases = new ArrayList<>();
        Map<String[], String> generators = new java.util.LinkedHashMap<>();
        generators.put(new String[] {"namespace", "team-a"},
                "{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'team-a'},'spec':{},'status':{}}");
        generators.put(new String[] {"configmap", "settings", "--from-literal=mode=fast", "--from-literal=empty="},
                "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'settings'},'data':{'mode':'fast','empty':''}}");
        generators.put(new String[] {"secret", "generic", "creds", "--from-literal=password=s3cr3t"},
                "{'apiVersion':'v1','kind':'Secret','metadata':{'name':'creds'},'data':{'password':'czNjcjN0'}}");
        generators.put(new String[] {"configmap", "files", "--from-file={dir}/app.properties"},
                "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'files'},'data':{'app.properties':'a=1\\nb=2\\n'}}");
        generators.put(new String[] {"secret", "generic", "blob", "--from-file=key.bin={dir}/key.bin", "--type=example/blob"},
                "{'apiVersion':'v1','kind':'Secret','metadata':{'name':'blob'},'data':{'key.bin':'AAH/'},'type':'example/blob'}");
        // {"auths":{"registry.example":{"username":"u","password":"p","email":"u@example","auth":"dTpw"}}}
        generators.put(new String[] {"secret", "docker-registry", "pull", "--docker-server=registry.example",
                "--docker-username=u", "--docker-password=p", "--docker-email=u@example"},
                """
                {'apiVersion':'v1','kind':'Secret','metadata':{'name':'pull'},'type':'kubernetes.io/dockerconfigjson',
                 'data':{'.dockerconfigjson':'eyJhdXRocyI6eyJyZWdpc3RyeS5leGFtcGxlIjp7InVzZXJuYW1lIjoidSIsInBhc3N3b3JkIjoicCIsImVtYWlsIjoidUBleGFtcGxlIiwiYXV0aCI6ImRUcHcifX19'}}
                """);
        generators.put(new String[] {"deployment", "web", "--image=nginx:1.25", "--replicas=0", "--port=80"},
                """
                {'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','labels':{'app':'web'}},
                 'spec':{'replicas':0,'selector':{'matchLabels':{'app':'web'}},'strategy':{},
                   'template':{'metadata':{'labels':{'app':'web'}},
                     'spec':{'containers':[{'name':'nginx','image':'nginx:1.25','ports':[{'containerPort':80}],
                       'resources':{}}]}}},
                 'status':{}}
                """);
        generators.put(new String[] {"service", "clusterip", "web", "--tcp=80:8080", "--tcp=443:https"},
                """
                {'apiVersion':'v1','kind':'Service','metadata':{'name':'web','labels':{'app':'web'}},
                 'spec':{'ports':[{'name':'80-8080','protocol':'TCP','port':80,'targetPort':8080},
                                  {'name':'443-https','protocol':'TCP','port':443,'targetPort':'https'}],
                         'selector':{'app':'web'},'type':'ClusterIP'},
                 'status':{'loadBalancer':{}}}
                """);
        generators.put(new String[] {"deployment", "pair", "--image=nginx", "--image=busybox:1.36"},
                """
                {'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'pair','labels':{'app':'pair'}},
                 'spec':{'replicas':1,'selector':{'matchLabels':{'app':'pair'}},'strategy':{},
                   'template':{'metadata':{'labels':{'app':'pair'}},
                     'spec':{'containers':[{'name':'nginx','image':'nginx','resources':{}},
                                           {'name':'busybox','image':'busybox:1.36','resources':{}}]}}},
                 'status':{}}
                """);
        generators.put(new String[] {"service", "nodeport", "edge", "--tcp=80:8080", "--node-port=30080"},
                """
                {'apiVersion':'v1','kind':'Service','metadata':{'name':'edge','labels':{'app':'edge'}},
                 'spec':{'ports':[{'name':'80-8080','protocol':'TCP','port':80,'targetPort':8080,'nodePort':30080}],
                         'selector':{'app':'edge'},'type':'NodePort'},
                 'status':{'loadBalancer':{}}}
                """);
        generators.put(new String[] {"service", "loadbalancer", "lb", "--tcp=443:8443"},
                """
                {'apiVersion':'v1','kind':'Service','metadata':{'name':'lb','labels':{'app':'lb'}},
                 'spec':{'ports':[{'name':'443-8443','protocol':'TCP','port':443,'targetPort':8443}],
                         'selector':{'app':'lb'},'type':'LoadBalancer'},
                 'status':{'loadBalancer':{}}}
                """);
        generators.put(new String[] {"service", "externalname", "ext", "--external-name=db.example"},
                """
                {'apiVersion':'v1','kind':'Service','metadata':{'name':'ext','labels':{'app':'ext'}},
                 'spec':{'selector':{'app':'ext'},'type':'ExternalName','externalName':'db.example'},
                 'status':{'loadBalancer':{}}}
                """);
        generators.put(new String[] {"serviceaccount", "robot"},
                "{'apiVersion':'v1','kind':'ServiceAccount','metadata':{'name':'robot'}}");
        for (String version : new String[] {"1.27", "1.32", "1.33"}) {
            generators.forEach((args, expected) -> cases.add(Arguments.of(version, args, expected)));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "kubectl {0} create {1}")
    @MethodSource("generators")
    void createGeneratorBodiesDecodeToTheObject(String version, String[] args, String expected) throws Exception {
        List<String> command = new ArrayList<>(List.of("create"));
        for (String arg : args) {
            command.add(arg.replace("{dir}", dir.toString()));
        }
        Result result = kubectl(version, command.toArray(String[]::new));
        assertEquals(0, result.code(), result.err());
        assertEquals(1, server.writes.size());
        FakeApiServer.Request request = server.writes.get(0);
        assertEquals("POST", request.method());
        assertTrue(request.query().contains("fieldValidation=Strict"), request.query());
        boolean protobuf = !version.equals("1.27");
        assertEquals(protobuf ? ProtobufCodec.CONTENT_TYPE : "application/json", request.contentType());

        BodyReader.Body body = READER.read(request.body(), request.contentType());
        ObjectNode object = body.object();
        assertEquals(List.of(), body.duplicateFields());
        SchemaCheck.Result check = new SchemaCheck(SCHEMAS).check(object.deepCopy(),
                SCHEMAS.kind(object.get("apiVersion").asText(), object.get("kind").asText()).orElseThrow(), false);
        assertTrue(check.clean(), () -> check.toString());
        assertEquals(MAPPER.readTree(expected.replace('\'', '"')), withoutNulls(object));
    }

    /**
     * The answer in protobuf, which kubectl's Go client decodes and prints as JSON: what it prints
     * is the object answered, so the encoding is what Go's decoder expects.
     */
    @ParameterizedTest(name = "kubectl {0} create {1}")
    @MethodSource("generators")
    void protobufAnswersReadBackInGo(String version, String[] args, String expected) throws Exception {
        assumeTrue(!version.equals("1.27"), "kubectl 1.27 asks for JSON");
        server.answerProtobuf = true;
        List<String> command = new ArrayList<>(List.of("create"));
        for (String arg : args) {
            command.add(arg.replace("{dir}", dir.toString()));
        }
        command.addAll(List.of("-o", "json"));
        Result result = kubectl(version, command.toArray(String[]::new));
        assertEquals(0, result.code(), result.err());
        assertTrue(server.lastAnswerProtobuf, "kubectl did not prefer protobuf");
        assertEquals(withoutNulls(server.lastAnswer), withoutNulls(MAPPER.readTree(result.out())));
    }

    @ParameterizedTest(name = "kubectl {0}")
    @ValueSource(strings = {"1.32", "1.33"})
    void protobufStatusReadsAsTheError(String version) throws Exception {
        server.answerProtobuf = true;
        server.rejectWith = (ObjectNode) MAPPER.readTree("""
                {"apiVersion":"v1","kind":"Status","metadata":{},"status":"Failure",
                 "message":"namespaces \\"team-a\\" already exists","reason":"AlreadyExists",
                 "details":{"name":"team-a","kind":"namespaces"},"code":409}
                """);
        Result result = kubectl(version, "create", "namespace", "team-a");
        assertTrue(server.lastAnswerProtobuf, "kubectl did not prefer protobuf");
        assertEquals(1, result.code());
        assertEquals("Error from server (AlreadyExists): namespaces \"team-a\" already exists\n", result.err());
    }

    static final String POD_WITH_TYPO = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: nginx
                imagee: nginx
            """;
    static final String DEPLOYMENT_WITH_TYPO = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replica: 2
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: nginx
                    image: nginx
            """;

    /** A manifest with a typo reaches the server, which names the field; kubectl says nothing itself. */
    @ParameterizedTest(name = "kubectl {0} {1} {2}")
    @org.junit.jupiter.params.provider.CsvSource({
        "1.27, create, Pod", "1.27, apply, Deployment", "1.28, create, Pod", "1.29, apply, Deployment",
        "1.30, create, Pod", "1.31, apply, Deployment", "1.32, create, Pod", "1.33, create, Pod", "1.33, apply, Deployment"})
    void kubectlLeavesValidationToTheServer(String version, String verb, String kind) throws Exception {
        Path manifest = dir.resolve(kind + "-" + version + ".yaml");
        Files.writeString(manifest, kind.equals("Pod") ? POD_WITH_TYPO : DEPLOYMENT_WITH_TYPO);
        Result result = kubectl(version, verb, "-f", manifest.toString());
        assertEquals(0, result.code(), result.err());
        assertEquals("", result.err(), "kubectl warned by itself");
        assertEquals(1, server.writes.size(), "kubectl did not send the manifest to the server");
        FakeApiServer.Request request = server.writes.get(0);
        assertEquals("POST", request.method());
        assertTrue(request.query().contains("fieldValidation=Strict"), request.query());
        ObjectNode object = READER.read(request.body(), request.contentType()).object();
        assertEquals(List.of(kind.equals("Pod") ? "spec.containers[0].imagee" : "spec.replica"),
                new SchemaCheck(SCHEMAS).check(object, SCHEMAS.kind(object.get("apiVersion").asText(), kind).orElseThrow(),
                        false).unknownFieldPaths());
    }

    /** Every served resource can be explained, by its plural name and group-version. */
    @ParameterizedTest(name = "kubectl {0}")
    @ValueSource(strings = {"1.27", "1.33"})
    void explainEveryServedResource(String version) throws Exception {
        for (ServedResource resource : ServedResources.KUBERNETES) {
            String name = resource.resource() + " --api-version=" + resource.apiVersion();
            Result result = kubectl(version, "explain", resource.resource(), "--api-version=" + resource.apiVersion());
            assertEquals(0, result.code(), name + ": " + result.err());
            assertTrue(result.out().contains("KIND:       " + resource.kind()), name + ": " + result.out());
            assertTrue(result.out().matches("(?s).*\\n  metadata\\s+<ObjectMeta>\\n.*"), name + ": " + result.out());
        }
    }

    @ParameterizedTest(name = "kubectl {0}")
    @ValueSource(strings = {"1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33"})
    void explainPodContainers(String version) throws Exception {
        Result result = kubectl(version, "explain", "pod.spec.containers");
        assertEquals(0, result.code(), result.err());
        assertTrue(result.out().contains("KIND:       Pod"), result.out());
        assertTrue(result.out().contains("FIELD: containers <[]Container>"), result.out());
        assertTrue(result.out().matches("(?s).*\\n  image\\s+<string>\\n.*"), result.out());
        assertTrue(result.out().matches("(?s).*\\n  ports\\s+<\\[\\]ContainerPort>\\n.*"), result.out());
        assertTrue(result.out().matches("(?s).*\\n  resources\\s+<ResourceRequirements>\\n.*"), result.out());
    }

    @ParameterizedTest(name = "kubectl {0}")
    @ValueSource(strings = {"1.27", "1.33"})
    void explainDeploymentSpecRecursively(String version) throws Exception {
        Result result = kubectl(version, "explain", "deployment.spec", "--recursive");
        assertEquals(0, result.code(), result.err());
        assertTrue(result.out().contains("GROUP:      apps"), result.out());
        assertTrue(result.out().matches("(?s).*\\n  replicas\\s+<integer>\\n.*"), result.out());
        assertTrue(result.out().matches("(?s).*\\n      maxSurge\\s+<IntOrString>\\n.*"), result.out());
        assertTrue(result.out().matches("(?s).*\\n      containers\\s+<\\[\\]Container>.*"), result.out());
        assertTrue(result.out().matches("(?s).*\\n          limits\\s+<map\\[string\\]Quantity>\\n.*"), result.out());
    }

    /** Go's JSON writes null for a zero Time and nil slices; the protobuf form has nothing there. */
    static JsonNode withoutNulls(JsonNode node) {
        JsonNode copy = node.deepCopy();
        strip(copy);
        return MAPPER.valueToTree(copy);
    }

    private static void strip(JsonNode node) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (entry.getValue().isNull()) {
                    it.remove();
                } else {
                    strip(entry.getValue());
                }
            }
        } else if (node.isArray()) {
            node.forEach(KubectlBodiesTest::strip);
        }
    }

    /** kubectl 1.NN with a discovery cache of its own; the test is skipped where that version is not installed. */
    static Result kubectl(String version, String... args) throws IOException, InterruptedException {
        assumeTrue(Kubectl.installed(version), "kubectl " + version + " is not installed");
        Kubectl kubectl = clients.get(version);
        if (kubectl == null) {
            kubectl = new Kubectl(version, dir.resolve("kubeconfig"), dir.resolve("kubectl-" + version));
            clients.put(version, kubectl);
        }
        return kubectl.run(args);
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
