"""The official Kubernetes Python client against Gantry: CRUD, patch, watch and scale.

Run as: python3 python_client.py KUBECONFIG NAMESPACE
Prints one "step: result" line per step; the JUnit test (PythonClientTest) asserts on them.
Any exception ends the script with a non-zero exit and its traceback on stderr.
"""
import sys
import threading

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException


def say(step, result):
    print("%s: %s" % (step, result), flush=True)


def main(kubeconfig, ns):
    config.load_kube_config(config_file=kubeconfig)
    core = client.CoreV1Api()
    apps = client.AppsV1Api()

    # config map: create, read, list by label, replace, merge patch, delete
    cm = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="settings", labels={"app": "py"}),
                            data={"mode": "fast"})
    created = core.create_namespaced_config_map(ns, cm)
    say("configmap created", "%s %s" % (created.metadata.name, created.data["mode"]))
    read = core.read_namespaced_config_map("settings", ns)
    say("configmap read", "%s uid=%s" % (read.data["mode"], "yes" if read.metadata.uid else "no"))
    listed = core.list_namespaced_config_map(ns, label_selector="app=py")
    say("configmap listed", ",".join(sorted(i.metadata.name for i in listed.items)))
    read.data["mode"] = "slow"
    replaced = core.replace_namespaced_config_map("settings", ns, read)
    say("configmap replaced", replaced.data["mode"])
    patched = core.patch_namespaced_config_map("settings", ns, {"data": {"level": "3"}})
    say("configmap patched", ",".join("%s=%s" % kv for kv in sorted(patched.data.items())))
    try:
        read.data["mode"] = "stale"
        core.replace_namespaced_config_map("settings", ns, read)
        say("configmap stale replace", "accepted")
    except ApiException as e:
        say("configmap stale replace", "%d" % e.status)
    try:
        core.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="Bad_Name")))
        say("configmap bad name", "accepted")
    except ApiException as e:
        say("configmap bad name", "%d" % e.status)

    # deployment: create, strategic merge patch, scale through /scale, read the scale
    deployment = client.V1Deployment(
        metadata=client.V1ObjectMeta(name="web"),
        spec=client.V1DeploymentSpec(
            replicas=1,
            selector=client.V1LabelSelector(match_labels={"app": "web"}),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels={"app": "web"}),
                spec=client.V1PodSpec(containers=[client.V1Container(
                    name="httpd", image="gantry/httpd:1.0",
                    ports=[client.V1ContainerPort(container_port=80)])]))))
    made = apps.create_namespaced_deployment(ns, deployment)
    say("deployment created", "%s replicas=%d generation=%d" % (made.metadata.name, made.spec.replicas,
                                                               made.metadata.generation))
    patched = apps.patch_namespaced_deployment("web", ns, {"spec": {"template": {"spec": {"containers": [
        {"name": "httpd", "image": "gantry/httpd:2.0"}]}}}})
    container = patched.spec.template.spec.containers[0]
    say("deployment patched", "%s port=%d generation=%d" % (container.image, container.ports[0].container_port,
                                                           patched.metadata.generation))
    scale = apps.patch_namespaced_deployment_scale("web", ns, {"spec": {"replicas": 3}})
    say("deployment scaled", "%d" % scale.spec.replicas)
    scale = apps.read_namespaced_deployment_scale("web", ns)
    say("scale read", "%s replicas=%d" % (scale.kind if hasattr(scale, "kind") else "Scale", scale.spec.replicas))
    scale.spec.replicas = 2
    scale = apps.replace_namespaced_deployment_scale("web", ns, scale)
    say("scale replaced", "%d" % scale.spec.replicas)
    say("deployment replicas", "%d" % apps.read_namespaced_deployment("web", ns).spec.replicas)

    # watch: from the list's resourceVersion, a change made meanwhile, within a deadline
    start = core.list_namespaced_config_map(ns).metadata.resource_version

    def change():
        core.patch_namespaced_config_map("settings", ns, {"data": {"seen": "yes"}})
        core.delete_namespaced_config_map("settings", ns)

    w = watch.Watch()
    timer = threading.Timer(0.5, change)
    timer.start()
    events = []
    for event in w.stream(core.list_namespaced_config_map, ns, resource_version=start, timeout_seconds=20):
        events.append("%s %s" % (event["type"], event["object"].metadata.name))
        if event["type"] == "DELETED":
            w.stop()
    timer.join()
    say("watch", ",".join(events))

    # delete
    apps.delete_namespaced_deployment("web", ns, propagation_policy="Background")
    try:
        apps.read_namespaced_deployment("web", ns)
        say("deployment deleted", "still there")
    except ApiException as e:
        say("deployment deleted", "%d %s" % (e.status, e.reason))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
