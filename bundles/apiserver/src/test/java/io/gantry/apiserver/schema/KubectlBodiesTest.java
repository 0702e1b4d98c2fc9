package io.gantry.apiserver.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
        assertEquals(0, result.code, result.err);
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

    @ParameterizedTest(name = "kubectl {0}")
    @ValueSource(strings = {"1.27", "1.33"})
    void kubectlLeavesValidationToTheServer(String version) throws Exception {
        Path manifest = dir.resolve("pod-" + version + ".yaml");
        Files.writeString(manifest, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                spec:
                  containers:
                  - name: nginx
                    imagee: nginx
                """);
        Result result = kubectl(version, "create", "-f", manifest.toString());
        assertEquals(0, result.code, result.err);
        assertEquals("", result.err, "kubectl warned by itself");
        assertEquals(1, server.writes.size(), "kubectl did not send the manifest to the server");
        FakeApiServer.Request request = server.writes.get(0);
        assertTrue(request.query().contains("fieldValidation=Strict"), request.query());
        ObjectNode pod = READER.read(request.body(), request.contentType()).object();
        assertEquals(List.of("spec.containers[0].imagee"),
                new SchemaCheck(SCHEMAS).check(pod, SCHEMAS.kind("v1", "Pod").orElseThrow(), false).unknownFieldPaths());
    }

    @ParameterizedTest(name = "kubectl {0}")
    @ValueSource(strings = {"1.27", "1.33"})
    void explainPodContainers(String version) throws Exception {
        Result result = kubectl(version, "explain", "pod.spec.containers");
        assertEquals(0, result.code, result.err);
        assertTrue(result.out.contains("KIND:       Pod"), result.out);
        assertTrue(result.out.contains("FIELD: containers <[]Container>"), result.out);
        assertTrue(result.out.matches("(?s).*\\n  image\\s+<string>\\n.*"), result.out);
        assertTrue(result.out.matches("(?s).*\\n  ports\\s+<\\[\\]ContainerPort>\\n.*"), result.out);
        assertTrue(result.out.matches("(?s).*\\n  resources\\s+<ResourceRequirements>\\n.*"), result.out);
    }

    @ParameterizedTest(name = "kubectl {0}")
    @ValueSource(strings = {"1.27", "1.33"})
    void explainDeploymentSpecRecursively(String version) throws Exception {
        Result result = kubectl(version, "explain", "deployment.spec", "--recursive");
        assertEquals(0, result.code, result.err);
        assertTrue(result.out.contains("GROUP:      apps"), result.out);
        assertTrue(result.out.matches("(?s).*\\n  replicas\\s+<integer>\\n.*"), result.out);
        assertTrue(result.out.matches("(?s).*\\n      maxSurge\\s+<IntOrString>\\n.*"), result.out);
        assertTrue(result.out.matches("(?s).*\\n      containers\\s+<\\[\\]Container>.*"), result.out);
        assertTrue(result.out.matches("(?s).*\\n          limits\\s+<map\\[string\\]Quantity>\\n.*"), result.out);
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

    record Result(int code, String out, String err) {
    }

    static Result kubectl(String version, String... args) throws IOException, InterruptedException {
        Path binary = kubectlBinary(version);
        assumeTrue(Files.isExecutable(binary), "kubectl " + version + " is not installed");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--kubeconfig", dir.resolve("kubeconfig").toString(),
                "--cache-dir", dir.resolve("cache-" + version).toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** kubectl.1.NN beside the file the kubectl on the PATH links to. */
    static Path kubectlBinary(String version) throws IOException {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(folder, "kubectl");
            if (Files.isExecutable(candidate)) {
                return candidate.toRealPath().getParent().resolve("kubectl." + version);
            }
        }
        return Path.of("kubectl." + version);
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
