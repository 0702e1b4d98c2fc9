package io.gantry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.apps.v1.Deployment;
import io.gantry.api.apps.v1.DeploymentStrategy;
import io.gantry.api.apps.v1.ReplicaSet;
import io.gantry.api.autoscaling.v1.Scale;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.coordination.v1.Lease;
import io.gantry.api.core.v1.ConfigMap;
import io.gantry.api.core.v1.Endpoints;
import io.gantry.api.core.v1.Event;
import io.gantry.api.core.v1.Namespace;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.ReplicationController;
import io.gantry.api.core.v1.Secret;
import io.gantry.api.core.v1.Service;
import io.gantry.api.core.v1.ServiceAccount;
import io.gantry.api.core.v1.ServiceSpec;
import io.gantry.api.core.v1.Taint;
import io.gantry.api.core.v1.Toleration;
import io.gantry.api.discovery.v1.EndpointSlice;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.IntOrString;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.api.policy.v1.Eviction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind reads from the manifests kubectl sends and the API server returns (JSON from
 * {@code kubectl create ... --dry-run=client -o json}, YAML as users write it, full objects as
 * {@code kubectl get -o json} shows them) and writes back every field it read, the ones the
 * model does not declare included, adding nothing but zero status counters and empty objects.
 */
class ManifestRoundTripTest {

    // kubectl 1.32: create deployment web --image=nginx:1.27 --replicas=3 --port=80 --dry-run=client -o json
    private static final String KUBECTL_DEPLOYMENT = """
            {"kind":"Deployment","apiVersion":"apps/v1",
             "metadata":{"name":"web","creationTimestamp":null,"labels":{"app":"web"}},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
               "template":{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},
                 "spec":{"containers":[{"name":"nginx","image":"nginx:1.27","ports":[{"containerPort":80}],"resources":{}}]}},
               "strategy":{}},
             "status":{}}
            """;

    // as kubectl get deployment web -o json shows it after the rollout
    private static final String STORED_DEPLOYMENT = """
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"annotations":{"deployment.kubernetes.io/revision":"2"},"creationTimestamp":"2026-11-23T10:00:00Z",
               "generation":4,"labels":{"app":"web"},"name":"web","namespace":"default","resourceVersion":"1234",
               "uid":"5b0c1a2e-8f3d-4c61-9a77-0d3a9c1f6e21",
               "managedFields":[{"apiVersion":"apps/v1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}},
                 "manager":"kubectl","operation":"Update","subresource":"scale","time":"2026-11-23T10:05:00Z"}]},
             "spec":{"progressDeadlineSeconds":600,"replicas":3,"revisionHistoryLimit":10,
               "selector":{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"NotIn","values":["db"]}]},
               "strategy":{"rollingUpdate":{"maxSurge":"25%","maxUnavailable":1},"type":"RollingUpdate"},
               "minReadySeconds":5,"paused":false,
               "template":{"metadata":{"labels":{"app":"web"},"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-23T10:04:00Z"}},
                 "spec":{"containers":[{"image":"nginx:1.27","imagePullPolicy":"IfNotPresent","name":"nginx",
                     "ports":[{"containerPort":80,"protocol":"TCP"}],"resources":{},
                     "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File",
                     "readinessProbe":{"httpGet":{"path":"/","port":80,"scheme":"HTTP"},"periodSeconds":10}}],
                   "dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler",
                   "securityContext":{},"terminationGracePeriodSeconds":30,
                   "volumes":[{"name":"cache","emptyDir":{}}]}}},
             "status":{"availableReplicas":3,"observedGeneration":4,"readyReplicas":3,"replicas":3,"updatedReplicas":3,
               "collisionCount":1,
               "conditions":[
                 {"lastTransitionTime":"2026-11-23T10:00:10Z","lastUpdateTime":"2026-11-23T10:00:10Z",
                  "message":"Deployment has minimum availability.","reason":"MinimumReplicasAvailable",
                  "status":"True","type":"Available"},
                 {"lastTransitionTime":"2026-11-23T10:00:00Z","lastUpdateTime":"2026-11-23T10:05:30Z",
                  "message":"ReplicaSet \\"web-7c5ddbdf54\\" has successfully progressed.","reason":"NewReplicaSetAvailable",
                  "status":"True","type":"Progressing"}]}}
            """;

    private static final String REPLICA_SET = """
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata:
              name: web-7c5ddbdf54
              namespace: default
              labels: {app: web, pod-template-hash: 7c5ddbdf54}
              annotations:
                deployment.kubernetes.io/desired-replicas: "3"
                deployment.kubernetes.io/max-replicas: "4"
                deployment.kubernetes.io/revision: "2"
              ownerReferences:
              - apiVersion: apps/v1
                kind: Deployment
                name: web
                uid: 5b0c1a2e-8f3d-4c61-9a77-0d3a9c1f6e21
                controller: true
                blockOwnerDeletion: true
            spec:
              replicas: 3
              selector:
                matchLabels: {app: web, pod-template-hash: 7c5ddbdf54}
              template:
                metadata:
                  labels: {app: web, pod-template-hash: 7c5ddbdf54}
                spec:
                  containers:
                  - name: nginx
                    image: nginx:1.27
            status:
              replicas: 3
              fullyLabeledReplicas: 3
              readyReplicas: 2
              availableReplicas: 2
              observedGeneration: 1
              conditions:
              - type: ReplicaFailure
                status: "True"
                lastTransitionTime: "2026-11-23T10:00:00Z"
                reason: FailedCreate
                message: 'pods "web-7c5ddbdf54-x" is forbidden: exceeded quota'
            """;

    private static final String REPLICATION_CONTROLLER = """
            apiVersion: v1
            kind: ReplicationController
            metadata:
              name: nginx
            spec:
              replicas: 3
              minReadySeconds: 0
              selector:
                app: nginx
              template:
                metadata:
                  name: nginx
                  labels:
                    app: nginx
                spec:
                  containers:
                  - name: nginx
                    image: nginx
                    ports:
                    - containerPort: 80
            status:
              replicas: 3
              fullyLabeledReplicas: 3
              readyReplicas: 3
              availableReplicas: 3
              observedGeneration: 1
            """;

    // kubectl 1.32: create service nodeport web --tcp=80:8080 --node-port=30080 --dry-run=client -o json
    private static final String KUBECTL_SERVICE = """
            {"kind":"Service","apiVersion":"v1",
             "metadata":{"name":"web","creationTimestamp":null,"labels":{"app":"web"}},
             "spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080,"nodePort":30080}],
               "selector":{"app":"web"},"type":"NodePort"},
             "status":{"loadBalancer":{}}}
            """;

    private static final String STORED_SERVICE = """
            apiVersion: v1
            kind: Service
            metadata:
              name: api
              namespace: shop
              uid: 0f0e0d0c-0b0a-0908-0706-050403020100
              resourceVersion: "77"
              creationTimestamp: "2026-11-23T09:00:00Z"
            spec:
              type: LoadBalancer
              selector: {app: api}
              ports:
              - name: http
                protocol: TCP
                appProtocol: http
                port: 80
                targetPort: http
                nodePort: 31080
              - name: metrics
                port: 9090
                targetPort: 9090
                nodePort: 31090
                protocol: TCP
              clusterIP: 127.1.0.17
              clusterIPs: [127.1.0.17]
              ipFamilies: [IPv4]
              ipFamilyPolicy: SingleStack
              sessionAffinity: ClientIP
              sessionAffinityConfig:
                clientIP:
                  timeoutSeconds: 10800
              externalTrafficPolicy: Cluster
              internalTrafficPolicy: Cluster
              allocateLoadBalancerNodePorts: true
              externalIPs: [127.0.0.1]
              publishNotReadyAddresses: false
            status:
              loadBalancer:
                ingress:
                - ip: 127.0.0.2
                  ipMode: VIP
                  ports:
                  - port: 80
                    protocol: TCP
              conditions:
              - type: LoadBalancerReady
                status: "True"
                observedGeneration: 1
                lastTransitionTime: "2026-11-23T09:00:01Z"
                reason: Provisioned
                message: ""
            """;

    private static final String ENDPOINTS = """
            apiVersion: v1
            kind: Endpoints
            metadata:
              name: api
              namespace: shop
              labels: {app: api}
              annotations:
                endpoints.kubernetes.io/last-change-trigger-time: "2026-11-23T09:00:05Z"
            subsets:
            - addresses:
              - ip: 127.2.1.5
                nodeName: node-1
                targetRef: {kind: Pod, namespace: shop, name: api-1, uid: "1111", resourceVersion: "90"}
              - ip: 127.2.2.7
                hostname: api-2
                nodeName: node-2
                targetRef: {kind: Pod, namespace: shop, name: api-2, uid: "2222"}
              notReadyAddresses:
              - ip: 127.2.1.9
                nodeName: node-1
                targetRef: {kind: Pod, namespace: shop, name: api-3, uid: "3333"}
              ports:
              - {name: http, port: 8080, protocol: TCP, appProtocol: http}
              - {name: metrics, port: 9090, protocol: TCP}
            """;

    private static final String ENDPOINT_SLICE = """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: api-x7k2p
              namespace: shop
              generateName: api-
              labels:
                kubernetes.io/service-name: api
                endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io
              ownerReferences:
              - {apiVersion: v1, kind: Service, name: api, uid: 0f0e0d0c, controller: true, blockOwnerDeletion: true}
            addressType: IPv4
            endpoints:
            - addresses: [127.2.1.5]
              conditions: {ready: true, serving: true, terminating: false}
              nodeName: node-1
              targetRef: {kind: Pod, namespace: shop, name: api-1, uid: "1111"}
              zone: zone-a
              hints:
                forZones: [{name: zone-a}]
            - addresses: [127.2.1.9]
              conditions: {ready: false, serving: false, terminating: true}
              nodeName: node-1
              targetRef: {kind: Pod, namespace: shop, name: api-3, uid: "3333"}
            ports:
            - {name: http, port: 8080, protocol: TCP, appProtocol: http}
            """;

    // kubectl 1.32: create secret generic s --from-literal=password=hunter2 --dry-run=client -o json
    private static final String KUBECTL_SECRET = """
            {"kind":"Secret","apiVersion":"v1","metadata":{"name":"s","creationTimestamp":null},
             "data":{"password":"aHVudGVyMg=="}}
            """;

    private static final String SECRET = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: registry
              namespace: shop
            type: kubernetes.io/dockerconfigjson
            immutable: true
            data:
              .dockerconfigjson: eyJhdXRocyI6e319
              empty: ""
            stringData:
              note: plain text the API server merges into data
            """;

    // kubectl 1.32: create configmap cfg --from-literal=a=1 --from-literal=empty= --dry-run=client -o json
    private static final String KUBECTL_CONFIG_MAP = """
            {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cfg","creationTimestamp":null},
             "data":{"a":"1","empty":""}}
            """;

    private static final String CONFIG_MAP = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: nginx-conf
            immutable: false
            data:
              nginx.conf: |
                server {
                  listen 80;
                }
            binaryData:
              logo.png: iVBORw0KGgo=
            """;

    private static final String SERVICE_ACCOUNT = """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: builder
              namespace: ci
            automountServiceAccountToken: false
            secrets:
            - name: builder-token-abcde
            imagePullSecrets:
            - name: registry
            """;

    // as the kubelet records it, read with kubectl get events -o json
    private static final String CORE_EVENT = """
            {"apiVersion":"v1","kind":"Event",
             "metadata":{"name":"web-7c5ddbdf54-abcde.1879a2b3c4d5e6f7","namespace":"default","resourceVersion":"4711",
               "creationTimestamp":"2026-11-23T10:00:03Z"},
             "involvedObject":{"apiVersion":"v1","kind":"Pod","name":"web-7c5ddbdf54-abcde","namespace":"default",
               "uid":"9d8c7b6a","resourceVersion":"4700","fieldPath":"spec.containers{nginx}"},
             "reason":"Pulled","message":"Container image \\"nginx:1.27\\" already present on machine",
             "source":{"component":"kubelet","host":"node-1"},
             "firstTimestamp":"2026-11-23T10:00:03Z","lastTimestamp":"2026-11-23T10:09:03Z","count":4,"type":"Normal",
             "eventTime":null,"reportingComponent":"kubelet","reportingInstance":"node-1"}
            """;

    private static final String CORE_EVENT_SERIES = """
            apiVersion: v1
            kind: Event
            metadata: {name: web.1, namespace: default}
            involvedObject: {kind: Pod, name: web, namespace: default}
            eventTime: "2026-11-23T10:00:03.123456Z"
            series: {count: 7, lastObservedTime: "2026-11-23T10:10:00.000001Z"}
            action: Binding
            reason: Scheduled
            related: {kind: Node, name: node-1}
            reportingComponent: default-scheduler
            reportingInstance: default-scheduler-node-1
            type: Warning
            message: Successfully assigned default/web to node-1
            """;

    private static final String EVENTS_K8S_IO_EVENT = """
            apiVersion: events.k8s.io/v1
            kind: Event
            metadata: {name: web.2, namespace: default}
            eventTime: "2026-11-23T10:00:03.123456Z"
            series: {count: 2, lastObservedTime: "2026-11-23T10:00:09.000000Z"}
            reportingController: gantry.io/scheduler
            reportingInstance: scheduler-node-1
            action: Scheduling
            reason: FailedScheduling
            regarding: {kind: Pod, name: web, namespace: default, uid: 9d8c7b6a}
            related: {kind: Node, name: node-2}
            note: "0/2 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}."
            type: Warning
            deprecatedSource: {component: default-scheduler}
            deprecatedFirstTimestamp: "2026-11-23T10:00:03Z"
            deprecatedLastTimestamp: "2026-11-23T10:00:09Z"
            deprecatedCount: 2
            """;

    // the leader's lease as a client-go leader elector writes it
    private static final String LEASE = """
            {"apiVersion":"coordination.k8s.io/v1","kind":"Lease",
             "metadata":{"name":"kube-scheduler","namespace":"kube-system"},
             "spec":{"holderIdentity":"node-1_4e1f","leaseDurationSeconds":15,
               "acquireTime":"2026-11-23T10:00:00.000000Z","renewTime":"2026-11-23T10:00:12.345678Z",
               "leaseTransitions":3}}
            """;

    private static final String SCALE = """
            {"kind":"Scale","apiVersion":"autoscaling/v1",
             "metadata":{"name":"web","namespace":"default","uid":"5b0c1a2e","resourceVersion":"1234",
               "creationTimestamp":"2026-11-23T10:00:00Z"},
             "spec":{"replicas":5},"status":{"replicas":3,"selector":"app=web"}}
            """;

    // what kubectl drain sends to pods/web/eviction
    private static final String EVICTION = """
            {"kind":"Eviction","apiVersion":"policy/v1",
             "metadata":{"name":"web","namespace":"default","creationTimestamp":null},
             "deleteOptions":{"gracePeriodSeconds":30,"propagationPolicy":"Background","dryRun":["All"]}}
            """;

    private static final String NODE = """
            apiVersion: v1
            kind: Node
            metadata:
              name: node-2
              labels: {kubernetes.io/hostname: node-2, node-role.kubernetes.io/control-plane: ""}
            spec:
              podCIDR: 127.2.2.0/24
              podCIDRs: [127.2.2.0/24]
              providerID: gantry://node-2
              unschedulable: true
              taints:
              - key: node.kubernetes.io/unreachable
                effect: NoExecute
                timeAdded: "2026-11-23T10:00:00Z"
              - key: node.kubernetes.io/unschedulable
                effect: NoSchedule
                timeAdded: "2026-11-23T10:00:00Z"
              - key: dedicated
                value: gpu
                effect: PreferNoSchedule
            status:
              capacity: {cpu: "2", memory: 8Gi, pods: "110"}
              conditions:
              - type: Ready
                status: Unknown
                lastHeartbeatTime: "2026-11-23T09:59:50Z"
                lastTransitionTime: "2026-11-23T10:00:00Z"
                reason: NodeStatusUnknown
                message: Kubelet stopped posting node status.
              daemonEndpoints:
                kubeletEndpoint: {Port: 10250}
              images: []
            """;

    private static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: trainer
              namespace: ml
            spec:
              containers:
              - name: main
                image: trainer:2
                volumeMounts: [{name: scratch, mountPath: /scratch}]
              volumes:
              - name: scratch
                emptyDir: {}
              - name: config
                configMap: {name: trainer, defaultMode: 420}
              tolerations:
              - {key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}
              - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms:
                    - matchExpressions: [{key: gpu, operator: Exists}]
            """;

    private static final String NAMESPACE = """
            {"apiVersion":"v1","kind":"Namespace",
             "metadata":{"name":"shop","labels":{"kubernetes.io/metadata.name":"shop"}},
             "spec":{"finalizers":["kubernetes"]},"status":{"phase":"Terminating",
               "conditions":[{"type":"NamespaceDeletionContentFailure","status":"False","reason":"ContentDeleted",
                 "message":"All content successfully deleted, may be waiting on finalization",
                 "lastTransitionTime":"2026-11-23T10:00:00Z"}]}}
            """;

    @Test
    void deployments() {
        Deployment created = roundTrip(KUBECTL_DEPLOYMENT, Deployment.class);
        assertEquals(3, created.spec.replicas);
        assertTrue(created.spec.selector.matches(Map.of("app", "web")));
        assertEquals("nginx:1.27", created.spec.template.spec.containers.get(0).image);
        assertNull(created.spec.strategy.type);

        Deployment stored = roundTrip(STORED_DEPLOYMENT, Deployment.class);
        assertEquals(DeploymentStrategy.ROLLING_UPDATE, stored.spec.strategy.type);
        assertEquals(IntOrString.of("25%"), stored.spec.strategy.rollingUpdate.maxSurge);
        assertEquals(1, stored.spec.strategy.rollingUpdate.maxSurge.scaledValue(stored.spec.replicas, true));
        assertEquals(1, stored.spec.strategy.rollingUpdate.maxUnavailable.scaledValue(stored.spec.replicas, false));
        assertEquals("app=web,tier notin (db)", stored.spec.selector.asString());
        assertFalse(stored.spec.paused);
        assertEquals(4L, stored.metadata.generation);
        assertEquals(4L, stored.status.observedGeneration);
        assertEquals(0, stored.status.unavailableReplicas);
        assertEquals(1, stored.status.collisionCount);
        assertEquals("NewReplicaSetAvailable", stored.status.conditions.get(1).reason);
        assertEquals("2026-11-23T10:05:30Z", stored.status.conditions.get(1).lastUpdateTime);
        assertTrue(Json.tree(stored).at("/spec/template/spec/volumes/0/emptyDir").isObject());
    }

    @Test
    void replicaSets() {
        ReplicaSet rs = roundTrip(REPLICA_SET, ReplicaSet.class);
        assertEquals("Deployment", rs.metadata.ownerReferences.get(0).kind);
        assertTrue(rs.metadata.ownerReferences.get(0).controller);
        assertTrue(rs.spec.selector.matches(rs.spec.template.metadata.labels));
        assertEquals(2, rs.status.readyReplicas);
        assertEquals("FailedCreate", rs.status.conditions.get(0).reason);
    }

    @Test
    void replicationControllers() {
        ReplicationController rc = roundTrip(REPLICATION_CONTROLLER, ReplicationController.class);
        assertEquals(Map.of("app", "nginx"), rc.spec.selector);
        assertEquals(0, rc.spec.minReadySeconds);
        assertEquals(80, rc.spec.template.spec.containers.get(0).ports.get(0).containerPort);
        assertEquals(3, rc.status.fullyLabeledReplicas);
        assertEquals(1L, rc.status.observedGeneration);
    }

    @Test
    void services() {
        Service created = roundTrip(KUBECTL_SERVICE, Service.class);
        assertEquals(ServiceSpec.NODE_PORT, created.spec.type);
        assertEquals(IntOrString.of(8080), created.spec.ports.get(0).targetPort);
        assertEquals(30080, created.spec.ports.get(0).nodePort);
        assertNull(created.status.loadBalancer.ingress);

        Service stored = roundTrip(STORED_SERVICE, Service.class);
        assertEquals(IntOrString.of("http"), stored.spec.ports.get(0).targetPort);
        assertEquals("http", stored.spec.ports.get(0).appProtocol);
        assertEquals(10800, stored.spec.sessionAffinityConfig.clientIP.timeoutSeconds);
        assertEquals("127.1.0.17", stored.spec.clusterIPs.get(0));
        assertEquals("IPv4", stored.spec.ipFamilies.get(0));
        assertEquals("VIP", stored.status.loadBalancer.ingress.get(0).ipMode);
        assertEquals(80, stored.status.loadBalancer.ingress.get(0).ports.get(0).port);
        assertEquals(1L, stored.status.conditions.get(0).observedGeneration);
    }

    @Test
    void endpointsAndSlices() {
        Endpoints endpoints = roundTrip(ENDPOINTS, Endpoints.class);
        assertEquals("node-2", endpoints.subsets.get(0).addresses.get(1).nodeName);
        assertEquals("api-3", endpoints.subsets.get(0).notReadyAddresses.get(0).targetRef.name);
        assertEquals(9090, endpoints.subsets.get(0).ports.get(1).port);

        EndpointSlice slice = roundTrip(ENDPOINT_SLICE, EndpointSlice.class);
        assertEquals("api", slice.metadata.labels.get(EndpointSlice.SERVICE_NAME_LABEL));
        assertEquals("IPv4", slice.addressType);
        assertTrue(slice.endpoints.get(0).conditions.ready);
        assertTrue(slice.endpoints.get(1).conditions.terminating);
        assertEquals("zone-a", slice.endpoints.get(0).hints.forZones.get(0).name);
        assertEquals(8080, slice.ports.get(0).port);
        slice.endpoints = new java.util.ArrayList<>();
        assertTrue(Json.tree(slice).get("endpoints").isArray(), "an empty slice still says it has no endpoints");
    }

    @Test
    void secretsAndConfigMaps() {
        Secret created = roundTrip(KUBECTL_SECRET, Secret.class);
        assertEquals("hunter2", new String(created.decoded("password"), StandardCharsets.UTF_8));
        assertNull(created.decoded("absent"));

        Secret secret = roundTrip(SECRET, Secret.class);
        assertEquals("kubernetes.io/dockerconfigjson", secret.type);
        assertTrue(secret.immutable);
        assertEquals(0, secret.decoded("empty").length, "an empty value is kept");
        assertTrue(secret.stringData.containsKey("note"));

        ConfigMap created2 = roundTrip(KUBECTL_CONFIG_MAP, ConfigMap.class);
        assertEquals("", created2.data.get("empty"));

        ConfigMap config = roundTrip(CONFIG_MAP, ConfigMap.class);
        assertTrue(config.data.get("nginx.conf").contains("listen 80;"));
        assertEquals("iVBORw0KGgo=", config.binaryData.get("logo.png"));
        assertFalse(config.immutable);
    }

    @Test
    void serviceAccounts() {
        ServiceAccount account = roundTrip(SERVICE_ACCOUNT, ServiceAccount.class);
        assertFalse(account.automountServiceAccountToken);
        assertEquals("builder-token-abcde", account.secrets.get(0).name);
        assertEquals("registry", account.imagePullSecrets.get(0).name);
    }

    @Test
    void events() {
        Event event = roundTrip(CORE_EVENT, Event.class);
        assertEquals("spec.containers{nginx}", event.involvedObject.fieldPath);
        assertEquals("kubelet", event.source.component);
        assertEquals(4, event.count);
        assertNull(event.eventTime);

        Event series = roundTrip(CORE_EVENT_SERIES, Event.class);
        assertEquals(7, series.series.count);
        assertEquals("node-1", series.related.name);
        assertEquals(Instant.parse("2026-11-23T10:00:03.123456Z"), io.gantry.api.meta.v1.Times.parse(series.eventTime));

        io.gantry.api.events.v1.Event newer = roundTrip(EVENTS_K8S_IO_EVENT, io.gantry.api.events.v1.Event.class);
        assertEquals("web", newer.regarding.name);
        assertEquals("gantry.io/scheduler", newer.reportingController);
        assertEquals(2, newer.deprecatedCount);
        assertEquals("default-scheduler", newer.deprecatedSource.component);
    }

    @Test
    void leases() {
        Lease lease = roundTrip(LEASE, Lease.class);
        assertEquals("node-1_4e1f", lease.spec.holderIdentity);
        assertEquals(3, lease.spec.leaseTransitions);
        assertTrue(lease.spec.isHeldAt(Instant.parse("2026-11-23T10:00:27Z")));
        assertFalse(lease.spec.isHeldAt(Instant.parse("2026-11-23T10:00:28Z")), "15 s after the renewal it has lapsed");
        // a renewal is written as Kubernetes writes a MicroTime: six digits, always
        lease.spec.renewTime = io.gantry.api.meta.v1.Times.formatMicro(Instant.parse("2026-11-23T10:00:30.123456789Z"));
        assertEquals("2026-11-23T10:00:30.123456Z", Json.tree(lease).at("/spec/renewTime").asText());
        assertEquals("2026-11-23T10:00:30.000000Z",
                io.gantry.api.meta.v1.Times.formatMicro(Instant.parse("2026-11-23T10:00:30Z")));
    }

    @Test
    void scaleAndEvictionBodies() {
        Scale scale = roundTrip(SCALE, Scale.class);
        assertEquals(5, scale.spec.replicas);
        assertEquals("app=web", scale.status.selector);

        Eviction eviction = roundTrip(EVICTION, Eviction.class);
        assertEquals(30L, eviction.deleteOptions.gracePeriodSeconds);
        assertEquals("Background", eviction.deleteOptions.propagationPolicy);
        // DeleteOptions' own default kind and apiVersion are added, and nothing else
        assertEquals("DeleteOptions", Json.tree(eviction).at("/deleteOptions/kind").asText());
    }

    @Test
    void nodesWithTaintsAndPodsWithTolerations() {
        Node node = roundTrip(NODE, Node.class);
        assertEquals("127.2.2.0/24", node.spec.podCIDR);
        assertEquals("gantry://node-2", node.spec.providerID);
        assertEquals(3, node.spec.taints.size());
        Taint unreachable = node.spec.taints.get(0);
        assertEquals(Taint.NO_EXECUTE, unreachable.effect);
        assertEquals("2026-11-23T10:00:00Z", unreachable.timeAdded);
        assertEquals("", node.metadata.labels.get("node-role.kubernetes.io/control-plane"));

        Pod pod = roundTrip(POD, Pod.class);
        Toleration[] tolerations = Json.mapper().convertValue(pod.spec.extra("tolerations"), Toleration[].class);
        assertTrue(Toleration.tolerated(java.util.List.of(tolerations), unreachable));
        assertTrue(Toleration.tolerated(java.util.List.of(tolerations), node.spec.taints.get(2)) == false,
                "dedicated=gpu:NoSchedule does not tolerate dedicated=gpu:PreferNoSchedule");

        Namespace namespace = roundTrip(NAMESPACE, Namespace.class);
        assertEquals("Terminating", namespace.status.phase);
    }

    @Test
    void everyServedKindIsAModelClassOfItsOwnKind() throws Exception {
        Set<String> resources = new HashSet<>();
        for (ResourceKind<?> kind : ResourceKind.all()) {
            KubeObject object = kind.type().getDeclaredConstructor().newInstance();
            assertEquals(kind.apiVersion(), object.apiVersion, kind.toString());
            assertEquals(kind.kind(), object.kind, kind.toString());
            assertTrue(resources.add(kind.qualifiedName()), "served once: " + kind);
            assertEquals(kind, ResourceKind.byResource(kind.group(), kind.version(), kind.plural()).orElseThrow());
            // a new object writes its kind, version and empty defaults, nothing a server would not accept
            JsonNode written = Json.tree(object);
            assertEquals(kind.kind(), written.get("kind").asText());
            for (Iterator<String> names = written.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                assertTrue(Set.of("apiVersion", "kind", "metadata", "spec", "status", "involvedObject").contains(name),
                        kind + " writes " + name);
            }
        }
        assertEquals(15, resources.size());
        Map<ResourceKind<?>, java.util.List<String>> shortNames = Map.ofEntries(
                Map.entry(ResourceKind.PODS, java.util.List.of("po")), Map.entry(ResourceKind.SERVICES, java.util.List.of("svc")),
                Map.entry(ResourceKind.ENDPOINTS, java.util.List.of("ep")), Map.entry(ResourceKind.NODES, java.util.List.of("no")),
                Map.entry(ResourceKind.NAMESPACES, java.util.List.of("ns")),
                Map.entry(ResourceKind.CONFIG_MAPS, java.util.List.of("cm")),
                Map.entry(ResourceKind.SERVICE_ACCOUNTS, java.util.List.of("sa")),
                Map.entry(ResourceKind.REPLICATION_CONTROLLERS, java.util.List.of("rc")),
                Map.entry(ResourceKind.EVENTS, java.util.List.of("ev")),
                Map.entry(ResourceKind.EVENTS_EVENTS_K8S_IO, java.util.List.of("ev")),
                Map.entry(ResourceKind.DEPLOYMENTS, java.util.List.of("deploy")),
                Map.entry(ResourceKind.REPLICA_SETS, java.util.List.of("rs")));
        // as kubectl api-resources lists them for Kubernetes 1.32
        shortNames.forEach((kind, names) -> assertEquals(names, kind.shortNames(), kind.toString()));
        assertTrue(ResourceKind.SECRETS.shortNames().isEmpty() && ResourceKind.LEASES.shortNames().isEmpty());
        assertEquals("endpoints", ResourceKind.ENDPOINTS.singular());
        assertTrue(resources.containsAll(Set.of("pods", "services", "endpoints", "nodes", "namespaces", "secrets",
                "configmaps", "serviceaccounts", "replicationcontrollers", "events", "deployments.apps",
                "replicasets.apps", "events.events.k8s.io", "leases.coordination.k8s.io",
                "endpointslices.discovery.k8s.io")), resources.toString());
    }

    /** Every manifest above with the model class that reads it. */
    static Stream<Arguments> manifests() {
        return Stream.of(
                Arguments.of(KUBECTL_DEPLOYMENT, Deployment.class), Arguments.of(STORED_DEPLOYMENT, Deployment.class),
                Arguments.of(REPLICA_SET, ReplicaSet.class), Arguments.of(REPLICATION_CONTROLLER, ReplicationController.class),
                Arguments.of(KUBECTL_SERVICE, Service.class), Arguments.of(STORED_SERVICE, Service.class),
                Arguments.of(ENDPOINTS, Endpoints.class), Arguments.of(ENDPOINT_SLICE, EndpointSlice.class),
                Arguments.of(KUBECTL_SECRET, Secret.class), Arguments.of(SECRET, Secret.class),
                Arguments.of(KUBECTL_CONFIG_MAP, ConfigMap.class), Arguments.of(CONFIG_MAP, ConfigMap.class),
                Arguments.of(SERVICE_ACCOUNT, ServiceAccount.class), Arguments.of(CORE_EVENT, Event.class),
                Arguments.of(CORE_EVENT_SERIES, Event.class),
                Arguments.of(EVENTS_K8S_IO_EVENT, io.gantry.api.events.v1.Event.class), Arguments.of(LEASE, Lease.class),
                Arguments.of(SCALE, Scale.class), Arguments.of(EVICTION, Eviction.class), Arguments.of(NODE, Node.class),
                Arguments.of(POD, Pod.class), Arguments.of(NAMESPACE, Namespace.class));
    }

    /**
     * A field from a newer Kubernetes, added to every object of every manifest (to maps too,
     * where it is one more entry), is written back where it was.
     */
    @ParameterizedTest
    @MethodSource("manifests")
    void unknownFieldsAreKeptAtEveryLevel(String manifest, Class<?> type) throws IOException {
        boolean json = manifest.strip().startsWith("{");
        JsonNode tree = (json ? Json.mapper() : Json.yamlMapper()).readTree(manifest);
        int added = addEverywhere(tree);
        assertTrue(added >= 2, "fields added: " + added);
        roundTrip(Json.write(tree), type);
        roundTrip(Json.writeYaml(tree), type);
    }

    private static int addEverywhere(JsonNode node) {
        int added = 0;
        for (JsonNode child : node) {
            added += addEverywhere(child);
        }
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
            object.put("fromANewerKubernetes", "kept");
            added++;
        }
        return added;
    }

    /**
     * Reads a manifest (JSON or YAML) as a component would, writes it back, and checks that
     * every non-null field read is written unchanged, that only zero counters and empty
     * objects are added, and that reading what was written gives the same again.
     */
    private static <T> T roundTrip(String manifest, Class<T> type) {
        boolean json = manifest.strip().startsWith("{");
        try {
            JsonNode sent = (json ? Json.mapper() : Json.yamlMapper()).readTree(manifest);
            T object = json ? Json.read(manifest, type) : Json.readYaml(manifest, type);
            JsonNode written = Json.tree(object);
            assertKeeps(sent, written, "");
            assertAddsOnlyDefaults(sent, written, "");
            assertEquals(written, Json.tree(Json.read(Json.bytes(object), type)), "JSON again");
            assertEquals(written, Json.tree(Json.readYaml(Json.writeYaml(object), type)), "YAML again");
            assertEquals(written, Json.tree(Json.copy(object)), "a copy");
            return object;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertKeeps(JsonNode sent, JsonNode written, String path) {
        if (sent.isObject()) {
            assertTrue(written != null && written.isObject(), path + " is an object");
            sent.fields().forEachRemaining(field -> {
                if (!field.getValue().isNull()) {
                    String at = path + "." + field.getKey();
                    assertTrue(written.has(field.getKey()), at + " was lost");
                    assertKeeps(field.getValue(), written.get(field.getKey()), at);
                }
            });
        } else if (sent.isArray()) {
            assertTrue(written != null && written.isArray() && written.size() == sent.size(), path + " keeps its items");
            for (int i = 0; i < sent.size(); i++) {
                assertKeeps(sent.get(i), written.get(i), path + "[" + i + "]");
            }
        } else if (sent.isNumber()) {
            assertTrue(written.isNumber() && sent.decimalValue().compareTo(written.decimalValue()) == 0,
                    path + ": " + sent + " became " + written);
        } else {
            assertEquals(sent, written, path);
        }
    }

    private static void assertAddsOnlyDefaults(JsonNode sent, JsonNode written, String path) {
        if (written.isObject()) {
            written.fields().forEachRemaining(field -> {
                String at = path + "." + field.getKey();
                JsonNode before = sent == null ? null : sent.get(field.getKey());
                if (before == null || before.isNull()) {
                    JsonNode added = field.getValue();
                    boolean zero = added.isNumber() && added.decimalValue().signum() == 0;
                    boolean defaultKindOfDeleteOptions = at.startsWith(".deleteOptions.")
                            && (added.asText().equals("DeleteOptions") || added.asText().equals("v1"));
                    if (!zero && !defaultKindOfDeleteOptions && !isEmptyObjects(added)) {
                        fail(at + " was added: " + added);
                    }
                } else {
                    assertAddsOnlyDefaults(before, field.getValue(), at);
                }
            });
        } else if (written.isArray()) {
            for (int i = 0; i < written.size(); i++) {
                assertAddsOnlyDefaults(sent.get(i), written.get(i), path + "[" + i + "]");
            }
        }
    }

    /** An object with nothing but empty objects inside ({@code {}}, {@code {"metadata":{}}}). */
    private static boolean isEmptyObjects(JsonNode node) {
        if (!node.isObject()) {
            return false;
        }
        for (JsonNode child : node) {
            if (!isEmptyObjects(child)) {
                return false;
            }
        }
        return true;
    }
}
