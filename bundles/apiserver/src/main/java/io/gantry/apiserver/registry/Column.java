package io.gantry.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.print.Printers;
import java.util.function.Function;

/**
 * One column of a {@code meta.k8s.io/v1 Table}, as kube-apiserver's printers define it, with
 * the function that gives a row's cell (a String, a Number or a Boolean).
 *
 * @param priority 0 for {@code kubectl get}, 1 for columns shown only with {@code -o wide}
 */
public record Column(String name, String type, String format, String description, int priority,
                     Function<ObjectNode, Object> cell) {

    public static final Column NAME = new Column("Name", "string", "name",
            "Name must be unique within a namespace. Is required when creating resources, although some resources may "
                    + "allow a client to request the generation of an appropriate name automatically. Name is primarily "
                    + "intended for creation idempotence and configuration definition. Cannot be updated.", 0,
            object -> object.path("metadata").path("name").asText());

    public static final Column AGE = new Column("Age", "string", "",
            "CreationTimestamp is a timestamp representing the server time when this object was created.", 0,
            object -> Printers.age(object.path("metadata").path("creationTimestamp").asText(null)));

    /** A string column shown by default. */
    public static Column of(String name, String description, Function<ObjectNode, Object> cell) {
        return new Column(name, "string", "", description, 0, cell);
    }

    /** A string column shown with {@code -o wide} only. */
    public static Column wide(String name, String description, Function<ObjectNode, Object> cell) {
        return new Column(name, "string", "", description, 1, cell);
    }

    /** An integer column shown by default. */
    public static Column integer(String name, String description, Function<ObjectNode, Object> cell) {
        return new Column(name, "integer", "", description, 0, cell);
    }
}
