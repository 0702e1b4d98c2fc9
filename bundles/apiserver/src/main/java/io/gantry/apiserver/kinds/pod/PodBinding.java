package io.gantry.apiserver.kinds.pod;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * A stored pod bound to a node ({@code pods/binding}), rewritten as a stream of tokens:
 * {@code spec.nodeName} set and the {@code PodScheduled} condition replaced by a true one, the
 * rest of the pod copied as it was. A binding is the scheduler's one write per pod, and making a
 * tree of the whole pod to change two fields was most of its cost.
 */
public final class PodBinding {

    private static final String POD_SCHEDULED = "PodScheduled";

    /**
     * The pod after the binding, and what the binding found in it for the checks before it is
     * written.
     *
     * @param value    the bound pod's JSON
     * @param uid      {@code metadata.uid}; null if absent
     * @param marked   whether the pod has a {@code metadata.deletionTimestamp}
     * @param nodeName the {@code spec.nodeName} it had; null or empty if unbound
     */
    public record Bound(byte[] value, String uid, boolean marked, String nodeName) {
    }

    private final JsonParser in;
    private final JsonGenerator out;
    private String uid;
    private boolean marked;
    private String nodeName;

    private PodBinding(JsonParser in, JsonGenerator out) {
        this.in = in;
        this.out = out;
    }

    /**
     * Binds a stored pod.
     *
     * @param stored the pod's stored JSON, an object
     * @param node   the node's name
     * @param now    the condition's lastTransitionTime, RFC 3339
     */
    public static Bound bind(byte[] stored, String node, String now) throws IOException {
        JsonFactory factory = Json.mapper().getFactory();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(stored.length + 160);
        PodBinding binding;
        try (JsonParser in = factory.createParser(stored); JsonGenerator out = factory.createGenerator(bytes)) {
            if (in.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a stored pod is not a JSON object");
            }
            binding = new PodBinding(in, out);
            binding.pod(node, now);
        }
        return new Bound(bytes.toByteArray(), binding.uid, binding.marked, binding.nodeName);
    }

    private void pod(String node, String now) throws IOException {
        out.writeStartObject();
        boolean spec = false;
        boolean status = false;
        while (in.nextToken() == JsonToken.FIELD_NAME) {
            String field = in.currentName();
            JsonToken value = in.nextToken();
            if (value != JsonToken.START_OBJECT) {
                if (field.equals("spec") || field.equals("status")) {
                    in.skipChildren(); // not an object (null): written anew below
                    continue;
                }
                out.writeFieldName(field);
                out.copyCurrentStructure(in);
                continue;
            }
            out.writeFieldName(field);
            switch (field) {
                case "metadata" -> metadata();
                case "spec" -> {
                    spec(node);
                    spec = true;
                }
                case "status" -> {
                    status(now);
                    status = true;
                }
                default -> out.copyCurrentStructure(in);
            }
        }
        if (!spec) {
            out.writeObjectFieldStart("spec");
            out.writeStringField("nodeName", node);
            out.writeEndObject();
        }
        if (!status) {
            out.writeObjectFieldStart("status");
            out.writeArrayFieldStart("conditions");
            scheduled(now);
            out.writeEndArray();
            out.writeEndObject();
        }
        out.writeEndObject();
    }

    private void metadata() throws IOException {
        out.writeStartObject();
        while (in.nextToken() == JsonToken.FIELD_NAME) {
            String field = in.currentName();
            JsonToken value = in.nextToken();
            if (field.equals("uid") && value == JsonToken.VALUE_STRING) {
                uid = in.getText();
            } else if (field.equals("deletionTimestamp") && value != JsonToken.VALUE_NULL) {
                marked = true;
            }
            out.writeFieldName(field);
            out.copyCurrentStructure(in);
        }
        out.writeEndObject();
    }

    private void spec(String node) throws IOException {
        out.writeStartObject();
        while (in.nextToken() == JsonToken.FIELD_NAME) {
            String field = in.currentName();
            JsonToken value = in.nextToken();
            if (field.equals("nodeName")) {
                nodeName = value == JsonToken.VALUE_STRING ? in.getText() : null;
                in.skipChildren();
                continue;
            }
            out.writeFieldName(field);
            out.copyCurrentStructure(in);
        }
        out.writeStringField("nodeName", node);
        out.writeEndObject();
    }

    private void status(String now) throws IOException {
        out.writeStartObject();
        boolean conditions = false;
        while (in.nextToken() == JsonToken.FIELD_NAME) {
            String field = in.currentName();
            JsonToken value = in.nextToken();
            if (!field.equals("conditions")) {
                out.writeFieldName(field);
                out.copyCurrentStructure(in);
                continue;
            }
            conditions = true;
            out.writeArrayFieldStart("conditions");
            if (value == JsonToken.START_ARRAY) {
                while (in.nextToken() != JsonToken.END_ARRAY) {
                    JsonNode condition = Json.mapper().readTree(in);
                    if (!POD_SCHEDULED.equals(condition.path("type").asText())) {
                        out.writeTree(condition);
                    }
                }
            } else {
                in.skipChildren();
            }
            scheduled(now);
            out.writeEndArray();
        }
        if (!conditions) {
            out.writeArrayFieldStart("conditions");
            scheduled(now);
            out.writeEndArray();
        }
        out.writeEndObject();
    }

    private void scheduled(String now) throws IOException {
        out.writeStartObject();
        out.writeStringField("type", POD_SCHEDULED);
        out.writeStringField("status", "True");
        out.writeNullField("lastProbeTime");
        out.writeStringField("lastTransitionTime", now);
        out.writeEndObject();
    }
}
