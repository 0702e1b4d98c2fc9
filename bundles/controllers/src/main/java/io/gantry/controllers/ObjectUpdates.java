package io.gantry.controllers;

import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.meta.v1.KubeObject;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A read-change-write of one object against the API, compare-and-set and retried on a conflict:
 * what controllers do instead of a patch when they change a few fields of an object someone else
 * (a kubelet, a user) may be writing too. The object is read fresh each time, never from a cache.
 */
public final class ObjectUpdates {

    private static final int ATTEMPTS = 5;

    private ObjectUpdates() {
    }

    /**
     * Changes one object if it is still the one of {@code uid}.
     *
     * @param change changes the object in place; false when there is nothing to change
     * @return the object as written, or empty if it is gone, another object took its name, or the
     *     change found nothing to do
     * @throws ApiException when the API refuses the write, or conflicts persist
     */
    public static <T extends KubeObject> Optional<T> update(ApiClient api, ResourceKind<T> kind, String namespace,
                                                            String name, String uid, Predicate<T> change) {
        for (int attempt = 1; ; attempt++) {
            Optional<T> current = api.find(kind, namespace, name);
            if (current.isEmpty() || (uid != null && !uid.equals(current.get().metadata.uid))) {
                return Optional.empty();
            }
            T object = current.get();
            if (!change.test(object)) {
                return Optional.empty();
            }
            try {
                return Optional.of(api.update(kind, object));
            } catch (ApiException e) {
                if (e.isNotFound()) {
                    return Optional.empty();
                }
                if (!e.isConflict() || attempt >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
