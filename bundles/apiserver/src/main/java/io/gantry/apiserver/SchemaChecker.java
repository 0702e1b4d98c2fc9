package io.gantry.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.apiserver.registry.KindStrategy;

/**
 * Checks an object against its kind's Kubernetes schema before the strategy sees it: unknown
 * fields (rejected under Strict, dropped with a warning under Warn, dropped under Ignore) and
 * wrong types (always rejected, naming the field and the expected type).
 */
public interface SchemaChecker {

    /** Accepts everything: for tests of the registry without schemas. */
    SchemaChecker NONE = (kind, object, options) -> {
    };

    /**
     * @throws io.gantry.api.client.ApiException a 400 BadRequest or 422 Invalid Status naming each bad field
     */
    void check(KindStrategy kind, ObjectNode object, WriteOptions options);

    /**
     * Checks the {@code autoscaling/v1} Scale of a scale subresource write the same way.
     *
     * @throws io.gantry.api.client.ApiException a 400 BadRequest naming each field of the wrong type
     */
    default void checkScale(ObjectNode scale, WriteOptions options) {
    }
}
