package io.gantry.apiserver.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.apiserver.ApiServerExtension;
import io.gantry.apiserver.Kubectl.Result;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The kinds as an operator meets them with the real kubectl on loopback: the create generators,
 * the columns of {@code get} (and {@code -o wide}), {@code get all}, and Kubernetes' wording of
 * rejections.
 */
class KindsKubectlTest {

    @RegisterExtension
    static final ApiServerExtension api = ApiServerExtension.plain();

    @Test
    void theGeneratorsCreateObjectsThatPrintAsInKubernetes() throws Exception {
        ok(kubectl(null, "create", "deployment", "web", "--image=gantry/httpd:1.0", "--replicas=2"));
        assertLines(kubectl(null, "get", "deployment", "web", "-o", "wide"),
                "NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE\\s+CONTAINERS\\s+IMAGES\\s+SELECTOR",
                "web\\s+0/2\\s+0\\s+0\\s+\\d+s\\s+httpd\\s+gantry/httpd:1.0\\s+app=web");
        ok(kubectl(null, "create", "service", "clusterip", "web", "--tcp=80:8080"));
        assertLines(kubectl(null, "get", "svc", "web", "-o", "wide"),
                "NAME\\s+TYPE\\s+CLUSTER-IP\\s+EXTERNAL-IP\\s+PORT\\(S\\)\\s+AGE\\s+SELECTOR",
                "web\\s+ClusterIP\\s+\\S+\\s+<none>\\s+80/TCP\\s+\\d+s\\s+app=web");
        ok(kubectl(null, "create", "configmap", "conf", "--from-literal=a=b", "--from-literal=c=d"));
        assertLines(kubectl(null, "get", "cm", "conf"), "NAME\\s+DATA\\s+AGE", "conf\\s+2\\s+\\d+s");
        ok(kubectl(null, "create", "secret", "generic", "pw", "--from-literal=password=x"));
        assertLines(kubectl(null, "get", "secret", "pw"), "NAME\\s+TYPE\\s+DATA\\s+AGE", "pw\\s+Opaque\\s+1\\s+\\d+s");
        Result all = ok(kubectl(null, "get", "all"));
        assertTrue(all.out().contains("service/web") && all.out().contains("deployment.apps/web"), all.out());
        assertTrue(ok(kubectl(null, "get", "cm", "--field-selector", "metadata.name=conf")).out().contains("conf"));
        assertTrue(ok(kubectl(null, "get", "secrets", "--field-selector", "type=Opaque")).out().contains("pw"));
    }

    @Test
    void rejectionsReadAsKubernetesWordsThem() throws Exception {
        Result bad = kubectl("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: bad}
                spec:
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: db}}
                    spec: {containers: [{name: a, image: x}]}
                """, "create", "-f", "-");
        assertNotEquals(0, bad.code());
        assertEquals("The Deployment \"bad\" is invalid: spec.template.metadata.labels: Invalid value: "
                + "map[string]string{\"app\":\"db\"}: `selector` does not match template `labels`", bad.err().trim());
        ok(kubectl(null, "create", "deployment", "moved", "--image=x"));
        Result moved = kubectl(null, "patch", "deployment", "moved", "--type=merge", "-p",
                "{\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"moved\",\"tier\":\"x\"}}}}");
        assertTrue(moved.err().contains("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"
                + "\"app\":\"moved\", \"tier\":\"x\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is "
                + "immutable"), moved.err());
        Result secret = kubectl("""
                apiVersion: v1
                kind: Secret
                metadata: {name: tls}
                type: kubernetes.io/tls
                data: {tls.crt: eA==}
                """, "create", "-f", "-");
        assertEquals("The Secret \"tls\" is invalid: data[tls.key]: Required value", secret.err().trim());
    }

    @Test
    void eventsPrintTheirObjectAndSource() throws Exception {
        ok(kubectl("""
                apiVersion: v1
                kind: Event
                metadata: {name: web.1, namespace: default}
                involvedObject: {kind: Pod, name: web, namespace: default}
                reason: Pulled
                message: pulled
                type: Normal
                source: {component: kubelet}
                """, "create", "-f", "-"));
        assertLines(kubectl(null, "get", "events", "-o", "wide", "--field-selector", "involvedObject.name=web"),
                "LAST SEEN\\s+TYPE\\s+REASON\\s+OBJECT\\s+SUBOBJECT\\s+SOURCE\\s+MESSAGE\\s+FIRST SEEN\\s+COUNT\\s+NAME",
                "<unknown>\\s+Normal\\s+Pulled\\s+pod/web\\s+kubelet\\s+pulled\\s+<unknown>\\s+1\\s+web.1");
    }

    private static Result ok(Result result) {
        assertEquals(0, result.code(), result.err());
        return result;
    }

    /** The output's lines match these patterns, in order. */
    private static void assertLines(Result result, String... patterns) {
        ok(result);
        List<String> lines = result.out().lines().toList();
        assertEquals(patterns.length, lines.size(), result.out());
        for (int i = 0; i < patterns.length; i++) {
            assertTrue(lines.get(i).matches(patterns[i]), lines.get(i) + " !~ " + patterns[i]);
        }
    }

    static Result kubectl(String stdin, String... args) throws IOException, InterruptedException {
        return api.kubectl().stdin(stdin, args);
    }
}
