/**
 * The four patch types kubectl sends, as pure functions on Jackson trees: {@link
 * io.gantry.apiserver.patch.JsonMergePatch} (RFC 7386), {@link io.gantry.apiserver.patch.JsonPatch}
 * (RFC 6902), {@link io.gantry.apiserver.patch.StrategicMergePatch} and {@link
 * io.gantry.apiserver.patch.ServerSideApply}, which also keeps {@code metadata.managedFields} for
 * every other write. How each field of a built-in kind merges comes from the kind's protobuf
 * descriptor (client-java-proto) and the struct tags of k8s.io/api in {@code field-tags.txt}.
 * Errors are {@link io.gantry.api.client.ApiException}s carrying the Status kube-apiserver answers.
 */
package io.gantry.apiserver.patch;
