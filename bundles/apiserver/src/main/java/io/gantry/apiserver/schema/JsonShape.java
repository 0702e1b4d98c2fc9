package io.gantry.apiserver.schema;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a protobuf message of the Kubernetes API looks in JSON. Most messages are JSON objects
 * field for field; a few apimachinery types have their own JSON form (a Go MarshalJSON method),
 * and a few Go structs are embedded in their parent, so their fields appear inline.
 */
enum JsonShape {

    /** A JSON object with one field per message field. */
    OBJECT,
    /** {@code metav1.Time}: an RFC 3339 string, seconds precision. */
    TIME,
    /** {@code metav1.MicroTime}: an RFC 3339 string with six fraction digits. */
    MICRO_TIME,
    /** {@code metav1.Duration}: a Go duration string such as {@code 1h2m3s}. */
    DURATION,
    /** {@code intstr.IntOrString}: an integer or a string. */
    INT_OR_STRING,
    /** {@code resource.Quantity}: a quantity string such as {@code 500m} or {@code 1Gi} (a number is accepted). */
    QUANTITY,
    /** {@code runtime.RawExtension}: any JSON value, kept as it is. */
    RAW_EXTENSION,
    /** {@code metav1.FieldsV1}: any JSON object, kept as it is. */
    FIELDS_V1;

    private static final Map<String, JsonShape> SPECIAL = Map.of(
            "k8s.io.apimachinery.pkg.apis.meta.v1.Time", TIME,
            "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime", MICRO_TIME,
            "k8s.io.apimachinery.pkg.apis.meta.v1.Duration", DURATION,
            "k8s.io.apimachinery.pkg.util.intstr.IntOrString", INT_OR_STRING,
            "k8s.io.apimachinery.pkg.api.resource.Quantity", QUANTITY,
            "k8s.io.apimachinery.pkg.runtime.RawExtension", RAW_EXTENSION,
            "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1", FIELDS_V1);

    /**
     * Embedded Go structs ({@code json:""}): in protobuf a field of its own, in JSON its fields
     * sit in the parent. Taken from the served groups' types.go; the descriptors do not say it.
     */
    private static final Set<String> INLINE_FIELDS = Set.of(
            "k8s.io.api.core.v1.Volume.volumeSource",
            "k8s.io.api.core.v1.PersistentVolumeSpec.persistentVolumeSource",
            "k8s.io.api.core.v1.Probe.handler",
            "k8s.io.api.core.v1.EphemeralContainer.ephemeralContainerCommon",
            "k8s.io.api.core.v1.SecretProjection.localObjectReference",
            "k8s.io.api.core.v1.ConfigMapVolumeSource.localObjectReference",
            "k8s.io.api.core.v1.ConfigMapProjection.localObjectReference",
            "k8s.io.api.core.v1.ConfigMapKeySelector.localObjectReference",
            "k8s.io.api.core.v1.SecretKeySelector.localObjectReference",
            "k8s.io.api.core.v1.ConfigMapEnvSource.localObjectReference",
            "k8s.io.api.core.v1.SecretEnvSource.localObjectReference");

    static JsonShape of(Descriptor message) {
        return SPECIAL.getOrDefault(message.getFullName(), OBJECT);
    }

    /** Whether this field's message is written inline in its parent's JSON object. */
    static boolean inline(FieldDescriptor field) {
        return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && INLINE_FIELDS.contains(field.getFullName());
    }

    /**
     * The field a JSON name means in a message, looking through inline fields; null if none.
     * The path to reach it (inline fields first) is added to {@code through}, which may be null.
     */
    static FieldDescriptor field(Descriptor message, String jsonName, List<FieldDescriptor> through) {
        FieldDescriptor direct = message.findFieldByName(jsonName);
        if (direct != null && !inline(direct)) {
            return direct;
        }
        for (FieldDescriptor candidate : message.getFields()) {
            if (inline(candidate)) {
                FieldDescriptor nested = field(candidate.getMessageType(), jsonName, through);
                if (nested != null) {
                    if (through != null) {
                        through.add(0, candidate);
                    }
                    return nested;
                }
            }
        }
        return null;
    }
}
