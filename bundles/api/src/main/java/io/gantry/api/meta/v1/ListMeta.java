package io.gantry.api.meta.v1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Kubernetes {@code ListMeta}: the revision a list was read at. */
public class ListMeta extends Extensible {

    public String resourceVersion;
    @JsonProperty("continue")
    public String continueToken;
    public Long remainingItemCount;

    public ListMeta() {
    }

    public ListMeta(String resourceVersion) {
        this.resourceVersion = resourceVersion;
    }
}
