package io.gantry.apiserver.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gantry.api.client.ApiException;
import com.google.protobuf.Message;
import java.util.Arrays;

/**
 * The Kubernetes protobuf wire format ({@code application/vnd.kubernetes.protobuf}), to and from
 * the JSON tree of the same object: the magic {@code k8s\0}, then a {@code runtime.Unknown}
 * envelope whose typeMeta names the kind and whose raw bytes are the kind's own message (which
 * carries no apiVersion or kind). Generic over every served kind, by walking descriptors.
 */
public final class ProtobufCodec {

    /** The content type of the wire format. */
    public static final String CONTENT_TYPE = "application/vnd.kubernetes.protobuf";

    private static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};
    /*
     * The envelope is read and written through its descriptor, like every other message: the
     * generated classes of client-java-proto predate protobuf 22, and protobuf-java 4 logs a
     * warning for each one that is used.
     */
    private static final Descriptor UNKNOWN = io.kubernetes.client.proto.Runtime.getDescriptor()
            .findMessageTypeByName("Unknown");
    private static final Descriptor TYPE_META = io.kubernetes.client.proto.Runtime.getDescriptor()
            .findMessageTypeByName("TypeMeta");

    private final Schemas schemas;
    private final ProtobufToJson toJson;
    private final JsonToProtobuf toProtobuf;

    public ProtobufCodec(Schemas schemas, ObjectMapper mapper) {
        this.schemas = schemas;
        this.toJson = new ProtobufToJson(mapper);
        this.toProtobuf = new JsonToProtobuf(mapper);
    }

    /** Whether a body starts with the protobuf magic. */
    public static boolean recognizes(byte[] body) {
        return body.length >= MAGIC.length && Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /**
     * The JSON tree of a protobuf body, with {@code apiVersion} and {@code kind} from its envelope.
     *
     * @throws ApiException 400 BadRequest when the body is not the wire format or names a kind not served
     */
    public ObjectNode decode(byte[] body) {
        if (body.length == 0 || body.length == MAGIC.length && recognizes(body)) {
            throw ApiException.badRequest("the request body is empty");
        }
        if (!recognizes(body)) {
            throw ApiException.badRequest("provided data does not appear to be a protobuf message, expected prefix "
                    + "[107 56 115 0]");
        }
        DynamicMessage envelope;
        try {
            envelope = DynamicMessage.parseFrom(UNKNOWN, ByteString.copyFrom(body, MAGIC.length, body.length - MAGIC.length));
        } catch (InvalidProtocolBufferException e) {
            throw ApiException.badRequest("the protobuf envelope cannot be read: " + e.getMessage());
        }
        Message typeMeta = (Message) envelope.getField(UNKNOWN.findFieldByName("typeMeta"));
        String apiVersion = (String) typeMeta.getField(TYPE_META.findFieldByName("apiVersion"));
        String kind = (String) typeMeta.getField(TYPE_META.findFieldByName("kind"));
        if (kind.isEmpty()) {
            throw ApiException.badRequest("Object 'Kind' is missing in the protobuf envelope");
        }
        if (apiVersion.isEmpty()) {
            throw ApiException.badRequest("Object 'apiVersion' is missing in the protobuf envelope");
        }
        Descriptor type = schemas.kind(apiVersion, kind).orElseThrow(() -> ApiException.badRequest(
                "no kind \"" + kind + "\" is registered for version \"" + apiVersion + "\""));
        DynamicMessage message;
        try {
            message = DynamicMessage.parseFrom(type, (ByteString) envelope.getField(UNKNOWN.findFieldByName("raw")));
        } catch (InvalidProtocolBufferException e) {
            throw ApiException.badRequest(kind + " in version \"" + apiVersion + "\" cannot be handled as a " + kind
                    + ": the protobuf message cannot be read: " + e.getMessage());
        }
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        object.put("apiVersion", apiVersion).put("kind", kind);
        object.setAll(toJson.object(message));
        return object;
    }

    /**
     * The wire form of an object, a list or a Status, by its own {@code apiVersion} and {@code kind}.
     *
     * @throws IllegalArgumentException if the kind is not served or a value does not fit its
     *     schema (the server's own objects always fit: they were checked when written)
     */
    public byte[] encode(ObjectNode object) {
        String apiVersion = object.path("apiVersion").asText();
        String kind = object.path("kind").asText();
        Descriptor type = schemas.kind(apiVersion, kind).orElseThrow(() -> new IllegalArgumentException(
                "no kind \"" + kind + "\" is registered for version \"" + apiVersion + "\""));
        Message envelope = DynamicMessage.newBuilder(UNKNOWN)
                .setField(UNKNOWN.findFieldByName("typeMeta"), DynamicMessage.newBuilder(TYPE_META)
                        .setField(TYPE_META.findFieldByName("apiVersion"), apiVersion)
                        .setField(TYPE_META.findFieldByName("kind"), kind).build())
                .setField(UNKNOWN.findFieldByName("raw"), toProtobuf.message(object, type, "").toByteString())
                .setField(UNKNOWN.findFieldByName("contentEncoding"), "")
                .setField(UNKNOWN.findFieldByName("contentType"), "")
                .build();
        byte[] wire = new byte[MAGIC.length + envelope.getSerializedSize()];
        System.arraycopy(MAGIC, 0, wire, 0, MAGIC.length);
        byte[] encoded = envelope.toByteArray();
        System.arraycopy(encoded, 0, wire, MAGIC.length, encoded.length);
        return wire;
    }
}
