package io.gantry.apiserver.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FieldTypeTest {

    private static FieldType at(Descriptor kind, String... path) {
        FieldType type = FieldType.of(kind);
        for (String step : path) {
            type = step.equals("[]") ? type.element() : type.child(step);
        }
        return type;
    }

    static Stream<Arguments> mergeKeys() {
        Descriptor pod = V1.Pod.getDescriptor();
        return Stream.of(
                Arguments.of(at(pod, "spec", "containers"), "name", "name"),
                Arguments.of(at(pod, "spec", "initContainers"), "name", "name"),
                Arguments.of(at(pod, "spec", "ephemeralContainers"), "name", "name"),
                Arguments.of(at(pod, "spec", "volumes"), "name", "name"),
                Arguments.of(at(pod, "spec", "imagePullSecrets"), "name", "name"),
                Arguments.of(at(pod, "spec", "containers", "[]", "ports"), "containerPort", "containerPort,protocol"),
                Arguments.of(at(pod, "spec", "containers", "[]", "env"), "name", "name"),
                Arguments.of(at(pod, "spec", "containers", "[]", "volumeMounts"), "mountPath", "mountPath"),
                Arguments.of(at(pod, "spec", "ephemeralContainers", "[]", "env"), "name", "name"),
                Arguments.of(at(pod, "metadata", "ownerReferences"), "uid", "uid"),
                Arguments.of(at(pod, "status", "conditions"), "type", "type"),
                Arguments.of(at(V1.Service.getDescriptor(), "spec", "ports"), "port", "port,protocol"),
                Arguments.of(at(V1.Node.getDescriptor(), "status", "addresses"), "type", "type"),
                Arguments.of(at(V1.Node.getDescriptor(), "status", "conditions"), "type", "type"),
                Arguments.of(at(V1Apps.Deployment.getDescriptor(), "spec", "template", "spec", "containers"), "name", "name"),
                Arguments.of(at(V1Apps.Deployment.getDescriptor(), "status", "conditions"), "type", "type"));
    }

    @ParameterizedTest
    @MethodSource("mergeKeys")
    void listsMergeByTheirKeys(FieldType list, String mergeKey, String listMapKeys) {
        assertEquals("merge", list.patchStrategy());
        assertEquals(mergeKey, list.patchMergeKey());
        assertEquals("map", list.listType());
        assertEquals(List.of(listMapKeys.split(",")), list.listKeys());
    }

    @Test
    void otherShapes() {
        Descriptor pod = V1.Pod.getDescriptor();
        FieldType finalizers = at(pod, "metadata", "finalizers");
        assertEquals("merge", finalizers.patchStrategy());
        assertEquals("set", finalizers.listType());
        assertEquals("atomic", at(pod, "spec", "tolerations").listType());
        assertEquals("atomic", at(pod, "spec", "containers", "[]", "args").listType());
        assertEquals(null, at(pod, "spec", "containers", "[]", "args").patchStrategy());
        assertTrue(at(V1Apps.Deployment.getDescriptor(), "spec", "selector").atomic(), "LabelSelector is +structType=atomic");
        assertTrue(at(V1.Service.getDescriptor(), "spec", "selector").atomic(), "a service's selector is +mapType=atomic");
        assertTrue(at(pod, "spec", "volumes").retainKeys());
        assertTrue(at(V1Apps.Deployment.getDescriptor(), "spec", "strategy").retainKeys());
        assertEquals("TCP", at(pod, "spec", "containers", "[]", "ports", "[]").keyDefault("protocol"));
        assertEquals(FieldType.Shape.MAP, at(pod, "metadata", "labels").shape());
        assertEquals(FieldType.Shape.SCALAR, at(pod, "metadata", "creationTimestamp").shape());
        assertEquals(FieldType.Shape.SCALAR, at(pod, "spec", "containers", "[]", "ports", "[]", "containerPort").shape());
        // Fields of an inlined struct: a volume's source, a probe's handler.
        assertEquals(FieldType.Shape.STRUCT, at(pod, "spec", "volumes", "[]", "configMap").shape());
        assertEquals(FieldType.Shape.STRUCT, at(pod, "spec", "containers", "[]", "livenessProbe", "httpGet").shape());
        assertEquals(FieldType.UNKNOWN, at(pod, "spec", "nonsense"));
        // A field whose protobuf name is not its JSON name.
        FieldType webhooks = at(io.kubernetes.client.proto.V1Admissionregistration.ValidatingWebhookConfiguration.getDescriptor(),
                "webhooks");
        assertEquals(FieldType.Shape.LIST, webhooks.shape());
        assertEquals("name", webhooks.patchMergeKey());
    }

    /** Every line of the table names a message and a field the protobuf descriptors have. */
    @Test
    void theTableMatchesTheDescriptors() throws Exception {
        Map<String, Descriptor> messages = new HashMap<>();
        for (FileDescriptor file : allProtoFiles()) {
            file.getMessageTypes().forEach(m -> messages.put(m.getFullName(), m));
        }
        List<String> missing = new ArrayList<>();
        int checked = 0;
        try (var in = new BufferedReader(new InputStreamReader(
                FieldTags.class.getResourceAsStream("field-tags.txt"), StandardCharsets.UTF_8))) {
            for (String line : in.lines().toList()) {
                if (line.startsWith("#")) {
                    continue;
                }
                String[] words = line.split(" ");
                Descriptor message = messages.get(words[0]);
                if (message == null) {
                    missing.add(line);
                    continue;
                }
                checked++;
                String field = words[1].equals("-inline-") ? words[2].substring("inline=".length()) : words[1];
                for (String word : words) {
                    if (word.startsWith("proto=")) {
                        field = word.substring("proto=".length());
                    }
                }
                if (!field.equals(".") && message.findFieldByName(field) == null) {
                    missing.add(line);
                }
            }
        }
        assertTrue(checked > 1000, "checked " + checked);
        assertEquals(List.of(), missing);
    }

    /** The descriptors of every group in client-java-proto, found by listing its jar. */
    private static List<FileDescriptor> allProtoFiles() throws Exception {
        List<FileDescriptor> files = new ArrayList<>();
        var location = V1.class.getProtectionDomain().getCodeSource().getLocation();
        try (var jar = new java.util.jar.JarFile(new java.io.File(location.toURI()))) {
            for (var entry : java.util.Collections.list(jar.entries())) {
                String name = entry.getName();
                if (name.matches("io/kubernetes/client/proto/[A-Z]\\w*\\.class")) {
                    Class<?> outer = Class.forName(name.replace('/', '.').replace(".class", ""));
                    files.add((FileDescriptor) outer.getMethod("getDescriptor").invoke(null));
                }
            }
        }
        return files;
    }

    @Test
    void zeroFieldsOfADeployment() {
        Map<String, Boolean> zero = FieldType.of(V1Apps.Deployment.getDescriptor()).zeroFields();
        assertEquals(Boolean.TRUE, zero.get("spec"));
        assertEquals(Boolean.TRUE, zero.get("metadata"));
        assertEquals(Boolean.FALSE, at(V1Apps.Deployment.getDescriptor(), "spec").zeroFields().get("selector"));
        assertNotEquals(null, at(V1.Pod.getDescriptor(), "spec").zeroFields().get("containers"));
    }
}
