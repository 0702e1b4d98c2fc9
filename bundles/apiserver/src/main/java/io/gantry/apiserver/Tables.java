package io.gantry.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.KindStrategy;
import java.util.List;

/**
 * {@code meta.k8s.io/v1 Table} answers, for clients that ask with
 * {@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}: the columns of the kind's
 * strategy ({@code priority: 1} columns kubectl shows only with {@code -o wide}).
 */
final class Tables {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** What a row carries besides its cells: {@code None}, {@code Metadata} (default) or {@code Object}. */
    enum IncludeObject {
        NONE, METADATA, OBJECT;

        static IncludeObject of(String value) {
            return "None".equals(value) ? NONE : "Object".equals(value) ? OBJECT : METADATA;
        }
    }

    private Tables() {
    }

    static boolean wanted(String accept) {
        return accept != null && accept.contains("as=Table");
    }

    /** A table of one object or of a list's items, keeping the list's metadata (resourceVersion, continue). */
    static ObjectNode table(KindStrategy kind, JsonNode objectOrList, IncludeObject include) {
        boolean isList = objectOrList.has("items");
        List<Column> columns = kind.columns();
        ObjectNode table = NODES.objectNode();
        table.put("kind", "Table");
        table.put("apiVersion", "meta.k8s.io/v1");
        ObjectNode metadata = table.putObject("metadata");
        if (isList) {
            metadata.setAll((ObjectNode) objectOrList.path("metadata"));
        } else {
            metadata.put("resourceVersion", objectOrList.path("metadata").path("resourceVersion").asText());
        }
        ArrayNode definitions = table.putArray("columnDefinitions");
        for (Column column : columns) {
            definitions.addObject().put("name", column.name()).put("type", column.type()).put("format", column.format())
                    .put("description", column.description()).put("priority", column.priority());
        }
        ArrayNode rows = table.putArray("rows");
        for (JsonNode object : isList ? objectOrList.path("items") : List.of(objectOrList)) {
            rows.add(row(columns, (ObjectNode) object, include));
        }
        return table;
    }

    private static ObjectNode row(List<Column> columns, ObjectNode object, IncludeObject include) {
        ObjectNode row = NODES.objectNode();
        ArrayNode cells = row.putArray("cells");
        for (Column column : columns) {
            Object cell = column.cell().apply(object);
            if (cell instanceof Number number) {
                cells.add(number.longValue());
            } else if (cell instanceof Boolean bool) {
                cells.add(bool);
            } else {
                cells.add(cell == null ? "" : cell.toString());
            }
        }
        if (include == IncludeObject.OBJECT) {
            row.set("object", object);
        } else if (include == IncludeObject.METADATA) {
            ObjectNode partial = row.putObject("object");
            partial.put("kind", "PartialObjectMetadata");
            partial.put("apiVersion", "meta.k8s.io/v1");
            partial.set("metadata", object.path("metadata"));
        }
        return row;
    }
}
