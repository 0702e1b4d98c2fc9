package io.gantry.apiserver.patch;

import static io.gantry.apiserver.patch.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Descriptors.Descriptor;
import io.gantry.api.client.ApiException;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StrategicMergePatchTest {

    private static final Descriptor POD = V1.Pod.getDescriptor();
    private static final Descriptor DEPLOYMENT = V1Apps.Deployment.getDescriptor();
    private static final Descriptor SERVICE = V1.Service.getDescriptor();
    private static final Descriptor NODE = V1.Node.getDescriptor();

    private static final String TWO_CONTAINERS = "{'spec':{'template':{'spec':{'containers':["
            + "{'name':'web','image':'nginx:1.25','ports':[{'containerPort':80,'protocol':'TCP'},{'containerPort':443,'protocol':'TCP'}],"
            + "'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]},"
            + "{'name':'sidecar','image':'busybox','args':['sleep','1d']}]}}}}";

    static Stream<Arguments> cases() {
        return Stream.of(
                // What kubectl apply computes from last-applied-configuration after an image change.
                Arguments.of("kubectl apply: image change keeps the other container", DEPLOYMENT, TWO_CONTAINERS,
                        "{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'web'},{'name':'sidecar'}],"
                                + "'containers':[{'image':'nginx:1.27','name':'web'}]}}}}",
                        "{'spec':{'template':{'spec':{'containers':["
                                + "{'name':'web','image':'nginx:1.27','ports':[{'containerPort':80,'protocol':'TCP'},{'containerPort':443,'protocol':'TCP'}],"
                                + "'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]},"
                                + "{'name':'sidecar','image':'busybox','args':['sleep','1d']}]}}}}"),
                Arguments.of("kubectl apply: a container removed", DEPLOYMENT, TWO_CONTAINERS,
                        "{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'web'}],"
                                + "'containers':[{'$patch':'delete','name':'sidecar'}]}}}}",
                        "{'spec':{'template':{'spec':{'containers':["
                                + "{'name':'web','image':'nginx:1.25','ports':[{'containerPort':80,'protocol':'TCP'},{'containerPort':443,'protocol':'TCP'}],"
                                + "'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]}]}}}}"),
                Arguments.of("kubectl apply: env changed, one removed, one added", DEPLOYMENT, TWO_CONTAINERS,
                        "{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'web'},{'name':'sidecar'}],"
                                + "'containers':[{'$setElementOrder/env':[{'name':'C'},{'name':'A'}],"
                                + "'env':[{'name':'C','value':'3'},{'name':'A','value':'9'},{'$patch':'delete','name':'B'}],'name':'web'}]}}}}",
                        "{'spec':{'template':{'spec':{'containers':["
                                + "{'name':'web','image':'nginx:1.25','ports':[{'containerPort':80,'protocol':'TCP'},{'containerPort':443,'protocol':'TCP'}],"
                                + "'env':[{'name':'C','value':'3'},{'name':'A','value':'9'}]},"
                                + "{'name':'sidecar','image':'busybox','args':['sleep','1d']}]}}}}"),
                Arguments.of("kubectl apply: ports by containerPort, new one ordered first", DEPLOYMENT, TWO_CONTAINERS,
                        "{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'web'},{'name':'sidecar'}],"
                                + "'containers':[{'$setElementOrder/ports':[{'containerPort':8080},{'containerPort':80},{'containerPort':443}],"
                                + "'name':'web','ports':[{'containerPort':8080,'name':'alt'}]}]}}}}",
                        "{'spec':{'template':{'spec':{'containers':["
                                + "{'name':'web','image':'nginx:1.25','ports':[{'containerPort':8080,'name':'alt'},{'containerPort':80,'protocol':'TCP'},{'containerPort':443,'protocol':'TCP'}],"
                                + "'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]},"
                                + "{'name':'sidecar','image':'busybox','args':['sleep','1d']}]}}}}"),
                Arguments.of("a list without merge strategy is replaced (args)", POD,
                        "{'spec':{'containers':[{'name':'c','args':['a','b']}]}}",
                        "{'spec':{'containers':[{'name':'c','args':['x']}]}}",
                        "{'spec':{'containers':[{'name':'c','args':['x']}]}}"),
                // Without $setElementOrder, strategicpatch puts items the live list lacks before the others.
                Arguments.of("a container added without an order goes first", POD,
                        "{'spec':{'containers':[{'name':'a','image':'x'}]}}",
                        "{'spec':{'containers':[{'name':'b','image':'y'}]}}",
                        "{'spec':{'containers':[{'name':'b','image':'y'},{'name':'a','image':'x'}]}}"),
                Arguments.of("live order kept for items both lists have (strategicpatch's own case)", POD,
                        "{'spec':{'containers':[{'name':'1'},{'name':'2','image':'b'},{'name':'3'}]}}",
                        "{'spec':{'containers':[{'name':'3','image':'c'},{'name':'1','image':'a'}]}}",
                        "{'spec':{'containers':[{'name':'2','image':'b'},{'name':'3','image':'c'},{'name':'1','image':'a'}]}}"),
                Arguments.of("volumeMounts by mountPath, volumes by name", POD,
                        "{'spec':{'volumes':[{'name':'v','emptyDir':{}}],'containers':[{'name':'a','volumeMounts':[{'name':'v','mountPath':'/data'}]}]}}",
                        "{'spec':{'volumes':[{'name':'w','emptyDir':{}}],'containers':[{'name':'a','volumeMounts':[{'name':'v','mountPath':'/data','readOnly':true}]}]}}",
                        "{'spec':{'volumes':[{'name':'w','emptyDir':{}},{'name':'v','emptyDir':{}}],'containers':[{'name':'a','volumeMounts':[{'name':'v','mountPath':'/data','readOnly':true}]}]}}"),
                Arguments.of("$retainKeys: a volume's source switched (kubectl apply)", POD,
                        "{'spec':{'volumes':[{'name':'v','emptyDir':{}}]}}",
                        "{'spec':{'$setElementOrder/volumes':[{'name':'v'}],'volumes':[{'$retainKeys':['configMap','name'],'configMap':{'name':'cm'},'emptyDir':null,'name':'v'}]}}",
                        "{'spec':{'volumes':[{'name':'v','configMap':{'name':'cm'}}]}}"),
                Arguments.of("$retainKeys: deployment strategy to Recreate", DEPLOYMENT,
                        "{'spec':{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'25%','maxUnavailable':'25%'}}}}",
                        "{'spec':{'strategy':{'$retainKeys':['type'],'rollingUpdate':null,'type':'Recreate'}}}",
                        "{'spec':{'strategy':{'type':'Recreate'}}}"),
                Arguments.of("finalizers: a merged primitive list with $deleteFromPrimitiveList", POD,
                        "{'metadata':{'finalizers':['a','b']}}",
                        "{'metadata':{'$deleteFromPrimitiveList/finalizers':['a'],'$setElementOrder/finalizers':['b','c'],'finalizers':['c']}}",
                        "{'metadata':{'finalizers':['b','c']}}"),
                Arguments.of("finalizers: added ones deduplicated", POD,
                        "{'metadata':{'finalizers':['a','b']}}", "{'metadata':{'finalizers':['b','c']}}",
                        "{'metadata':{'finalizers':['a','b','c']}}"),
                Arguments.of("ownerReferences by uid", POD,
                        "{'metadata':{'ownerReferences':[{'uid':'1','kind':'ReplicaSet','name':'rs'}]}}",
                        "{'metadata':{'ownerReferences':[{'uid':'1','controller':true},{'uid':'2','kind':'Node','name':'n'}]}}",
                        "{'metadata':{'ownerReferences':[{'uid':'1','kind':'ReplicaSet','name':'rs','controller':true},{'uid':'2','kind':'Node','name':'n'}]}}"),
                Arguments.of("service ports by port", SERVICE,
                        "{'spec':{'ports':[{'port':80,'targetPort':8080},{'port':443,'targetPort':8443}]}}",
                        "{'spec':{'ports':[{'port':443,'targetPort':9443}]}}",
                        "{'spec':{'ports':[{'port':80,'targetPort':8080},{'port':443,'targetPort':9443}]}}"),
                Arguments.of("pod status conditions by type", POD,
                        "{'status':{'conditions':[{'type':'PodScheduled','status':'True'},{'type':'Ready','status':'False'}]}}",
                        "{'status':{'conditions':[{'type':'Ready','status':'True'}]}}",
                        "{'status':{'conditions':[{'type':'PodScheduled','status':'True'},{'type':'Ready','status':'True'}]}}"),
                Arguments.of("node addresses by type", NODE,
                        "{'status':{'addresses':[{'type':'InternalIP','address':'127.0.0.1'},{'type':'Hostname','address':'n'}]}}",
                        "{'status':{'addresses':[{'type':'Hostname','address':'m'}]}}",
                        "{'status':{'addresses':[{'type':'InternalIP','address':'127.0.0.1'},{'type':'Hostname','address':'m'}]}}"),
                Arguments.of("tolerations are atomic: replaced", POD,
                        "{'spec':{'tolerations':[{'key':'a','operator':'Exists'}]}}",
                        "{'spec':{'tolerations':[{'key':'b','operator':'Exists'}]}}",
                        "{'spec':{'tolerations':[{'key':'b','operator':'Exists'}]}}"),
                Arguments.of("$patch: replace on a map", POD,
                        "{'metadata':{'labels':{'a':'1','b':'2'}}}", "{'metadata':{'labels':{'$patch':'replace','c':'3'}}}",
                        "{'metadata':{'labels':{'c':'3'}}}"),
                Arguments.of("$patch: delete on a map", POD,
                        "{'spec':{'securityContext':{'runAsUser':1}}}", "{'spec':{'securityContext':{'$patch':'delete'}}}",
                        "{'spec':{'securityContext':{}}}"),
                Arguments.of("$patch: replace on a merging list", POD,
                        "{'spec':{'containers':[{'name':'a','image':'x'},{'name':'b','image':'y'}]}}",
                        "{'spec':{'containers':[{'name':'c','image':'z'},{'$patch':'replace'}]}}",
                        "{'spec':{'containers':[{'name':'c','image':'z'}]}}"),
                Arguments.of("null deletes a field; nulls inside new values are dropped", POD,
                        "{'metadata':{'labels':{'a':'1'}},'spec':{'nodeName':'n'}}",
                        "{'metadata':{'labels':{'a':null},'annotations':{'x':'y','z':null}},'spec':{'nodeName':null}}",
                        "{'metadata':{'labels':{},'annotations':{'x':'y'}},'spec':{}}"),
                Arguments.of("a new list item loses its nulls", POD,
                        "{'spec':{'containers':[{'name':'a'}]}}",
                        "{'spec':{'containers':[{'name':'b','image':null,'env':[{'name':'X','value':null}]}]}}",
                        "{'spec':{'containers':[{'name':'b','env':[{'name':'X'}]},{'name':'a'}]}}"),
                Arguments.of("an element with a directive is not added to a new list", POD,
                        "{'spec':{}}", "{'spec':{'containers':[{'name':'a'},{'$patch':'delete','name':'b'}]}}",
                        "{'spec':{'containers':[{'name':'a'}]}}"),
                Arguments.of("ephemeral containers merge by name through the inlined struct", POD,
                        "{'spec':{'ephemeralContainers':[{'name':'d','image':'x','env':[{'name':'A','value':'1'}]}]}}",
                        "{'spec':{'ephemeralContainers':[{'name':'d','env':[{'name':'B','value':'2'}]}]}}",
                        "{'spec':{'ephemeralContainers':[{'name':'d','image':'x','env':[{'name':'B','value':'2'},{'name':'A','value':'1'}]}]}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void patches(String name, Descriptor kind, String target, String patch, String expected) {
        assertEquals(json(expected), StrategicMergePatch.apply(kind, json(target), json(patch)));
    }

    @Test
    void leavesItsArgumentsUnchanged() {
        var target = json(TWO_CONTAINERS);
        var patch = json("{'spec':{'template':{'spec':{'containers':[{'$patch':'delete','name':'sidecar'}]}}}}");
        StrategicMergePatch.apply(DEPLOYMENT, target, patch);
        assertEquals(json(TWO_CONTAINERS), target);
        assertEquals(json("{'spec':{'template':{'spec':{'containers':[{'$patch':'delete','name':'sidecar'}]}}}}"), patch);
    }

    static Stream<Arguments> badPatches() {
        return Stream.of(
                Arguments.of("{'spec':{'containers':[{'image':'x'}]}}", 400,
                        "does not contain declared merge key: name"),
                Arguments.of("{'metadata':{'labels':{'$patch':'explode'}}}", 400, "unknown patch type: explode"),
                Arguments.of("{'spec':{'containers':[{'name':'a','$patch':'merge'}]}}", 400,
                        "merging lists cannot yet be specified in the patch"),
                Arguments.of("{'spec':{'$setElementOrder/containers':{'name':'a'}}}", 400,
                        "invalid patch format of setElementOrder list"),
                Arguments.of("{'spec':{'$setElementOrder/containers':[{'name':'b'}],'containers':[{'name':'a'}]}}", 400,
                        "doesn't match $setElementOrder list"),
                Arguments.of("{'spec':{'$retainKeys':['containers'],'nodeName':'n'}}", 400,
                        "invalid patch format of retainKeys"),
                Arguments.of("{'metadata':{'$deleteFromPrimitiveList':['a']}}", 400,
                        "invalid patch format of primitive list"),
                Arguments.of("{'metadata':{'finalizers':[['a']]}}", 422, "lists of lists are not supported"));
    }

    @ParameterizedTest
    @MethodSource("badPatches")
    void aMalformedPatchIsRejected(String patch, int code, String message) {
        var target = json("{'metadata':{'labels':{'a':'1'},'finalizers':['x']},'spec':{'containers':[{'name':'a','image':'x'}]}}");
        ApiException e = assertThrows(ApiException.class, () -> StrategicMergePatch.apply(POD, target, json(patch)));
        assertEquals(code, e.code());
        String text = e.getMessage() + (e.status().details == null ? "" : e.status().details.causes);
        assertEquals(true, text.contains(message) || e.status().details.causes.get(0).message.contains(message), text);
    }
}
