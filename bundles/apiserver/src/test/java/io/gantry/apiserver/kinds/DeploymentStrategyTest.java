package io.gantry.apiserver.kinds;

import static io.gantry.apiserver.kinds.KindTesting.assertTree;
import static io.gantry.apiserver.kinds.KindTesting.causes;
import static io.gantry.apiserver.kinds.KindTesting.cells;
import static io.gantry.apiserver.kinds.KindTesting.created;
import static io.gantry.apiserver.kinds.KindTesting.createCauses;
import static io.gantry.apiserver.kinds.KindTesting.header;
import static io.gantry.apiserver.kinds.KindTesting.tree;
import static io.gantry.apiserver.kinds.KindTesting.updateCauses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.apiserver.kinds.deployment.DeploymentStrategy;
import io.gantry.apiserver.registry.ScaleRule;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DeploymentStrategyTest {

    private final DeploymentStrategy deployments = new DeploymentStrategy();

    private static final String WEB = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: default}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: httpd, image: "gantry/httpd:1.0"}]}
            """;

    @Test
    void aDeploymentIsDefaultedAsKubernetesDoes() {
        assertTree("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: default}
                spec:
                  replicas: 1
                  revisionHistoryLimit: 10
                  progressDeadlineSeconds: 600
                  strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 25%, maxSurge: 25%}}
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                      - name: httpd
                        image: gantry/httpd:1.0
                        imagePullPolicy: IfNotPresent
                        resources: {}
                        terminationMessagePath: /dev/termination-log
                        terminationMessagePolicy: File
                      dnsPolicy: ClusterFirst
                      restartPolicy: Always
                      schedulerName: default-scheduler
                      securityContext: {}
                      terminationGracePeriodSeconds: 30
                """, created(deployments, WEB));
        assertEquals(List.of(), createCauses(deployments, WEB));
        assertTrue(deployments.tracksGeneration());
        assertEquals(ScaleRule.APPS, deployments.scale().orElseThrow());
        assertEquals(List.of("all"), deployments.categories());
        assertEquals(List.of("deploy"), deployments.kind().shortNames());
    }

    static Stream<Arguments> badDeployments() {
        return Stream.of(
                Arguments.of(WEB.replace("{labels: {app: web}}", "{labels: {app: db}}"),
                        "spec.template.metadata.labels|FieldValueInvalid|Invalid value: map[string]string{\"app\":\"db\"}: "
                                + "`selector` does not match template `labels`"),
                Arguments.of(WEB.replace("  selector: {matchLabels: {app: web}}\n", ""),
                        "spec.selector|FieldValueRequired|Required value"),
                Arguments.of(WEB.replace("{matchLabels: {app: web}}", "{matchLabels: {}}"),
                        "spec.selector|FieldValueInvalid|Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, "
                                + "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"),
                Arguments.of(WEB.replace("spec:\n  selector", "spec:\n  replicas: -1\n  selector"),
                        "spec.replicas|FieldValueInvalid|Invalid value: -1: must be greater than or equal to 0"),
                Arguments.of(WEB.replace("spec: {containers", "spec: {restartPolicy: Never, containers"),
                        "spec.template.spec.restartPolicy|FieldValueNotSupported|Unsupported value: \"Never\": "
                                + "supported values: \"Always\""),
                Arguments.of(WEB.replace("spec:\n  selector", "spec:\n  strategy: {type: Recreate, rollingUpdate: {}}\n  selector"),
                        "spec.strategy.rollingUpdate|FieldValueForbidden|Forbidden: may not be specified when strategy "
                                + "`type` is 'Recreate'"),
                Arguments.of(WEB.replace("spec:\n  selector", "spec:\n  strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0}}\n  selector"),
                        "spec.strategy.rollingUpdate.maxUnavailable|FieldValueInvalid|Invalid value: "
                                + "intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0"),
                Arguments.of(WEB.replace("spec:\n  selector", "spec:\n  strategy: {rollingUpdate: {maxUnavailable: 120%}}\n  selector"),
                        "spec.strategy.rollingUpdate.maxUnavailable|FieldValueInvalid|Invalid value: "
                                + "intstr.IntOrString{Type:1, IntVal:0, StrVal:\"120%\"}: must not be greater than 100%"),
                Arguments.of(WEB.replace("spec:\n  selector", "spec:\n  minReadySeconds: 700\n  selector"),
                        "spec.progressDeadlineSeconds|FieldValueInvalid|Invalid value: 600: must be greater than minReadySeconds"),
                Arguments.of(WEB.replace("{matchLabels: {app: web}}", "{matchExpressions: [{key: app, operator: Like}]}"),
                        "spec.selector.matchExpressions[0].operator|FieldValueInvalid|Invalid value: \"Like\": not a "
                                + "valid selector operator"));
    }

    @ParameterizedTest
    @MethodSource("badDeployments")
    void badDeploymentsAreRejectedWithKubernetesWording(String manifest, String cause) {
        assertEquals(List.of(cause), createCauses(deployments, manifest));
    }

    @Test
    void selectorExpressionsMatchTemplateLabels() {
        assertEquals(List.of(), createCauses(deployments, WEB.replace("{matchLabels: {app: web}}",
                "{matchExpressions: [{key: app, operator: In, values: [web, www]}, {key: tier, operator: DoesNotExist}]}")));
    }

    @Test
    void theSelectorIsImmutable() {
        String moved = WEB.replace("app: web", "app: web2");
        assertEquals(List.of("spec.selector|FieldValueInvalid|Invalid value: v1.LabelSelector{MatchLabels:"
                + "map[string]string{\"app\":\"web2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is "
                + "immutable"), updateCauses(deployments, WEB, moved));
        assertEquals(List.of(), updateCauses(deployments, WEB, WEB.replace("httpd:1.0", "httpd:1.1")));
    }

    @Test
    void statusCountersAreBounded() {
        ObjectNode deployment = created(deployments, WEB);
        deployment.set("status", tree("{replicas: 1, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1}"));
        assertEquals(List.of("status.updatedReplicas|FieldValueInvalid|Invalid value: 2: cannot be greater than "
                + "status.replicas"), causes(deployment, (o, v) -> deployments.validateStatusUpdate(o, o, v)));
    }

    @Test
    void columnsAreThoseOfKubectlGetDeployments() {
        ObjectNode deployment = created(deployments, WEB.replace("spec:\n  selector", "spec:\n  replicas: 3\n  selector"));
        deployment.set("status", tree("{replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2}"));
        assertEquals(List.of("Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"),
                header(deployments, true));
        assertEquals(List.of("web", "2/3", 3L, 2L, "<unknown>", "httpd", "gantry/httpd:1.0", "app=web"),
                cells(deployments, deployment, true));
    }
}
