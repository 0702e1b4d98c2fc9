package io.gantry.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.UnaryOperator;

/**
 * How watchers of a resource prefix see its objects: as stored, or as another API's kind stored
 * there (events.k8s.io/v1 events are stored as v1 events). Each view of a prefix has a cache of
 * its own, so that a change is converted once per view, not once per watcher.
 *
 * @param name    tells the views of one prefix apart; empty for the stored form
 * @param convert the object in this view, from the decoded stored object (which it may reuse)
 */
public record StoredView(String name, UnaryOperator<ObjectNode> convert) {

    /** The objects as stored. */
    public static final StoredView AS_STORED = new StoredView("", UnaryOperator.identity());

    /** Whether this view is the stored form itself, no conversion. */
    boolean isStoredForm() {
        return name.isEmpty();
    }

    /** The key of this view's cache of the prefix. */
    String cacheKey(String resourcePrefix) {
        return name.isEmpty() ? resourcePrefix : resourcePrefix + "#" + name;
    }
}
