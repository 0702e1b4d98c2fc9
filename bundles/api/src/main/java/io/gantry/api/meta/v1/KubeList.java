package io.gantry.api.meta.v1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * A Kubernetes list ({@code PodList}, {@code NodeList}, ...): the items and the revision they
 * were read at. {@code items} is always written, empty or not, as clients expect.
 */
public class KubeList<T> extends Extensible {

    public String apiVersion;
    public String kind;
    public ListMeta metadata = new ListMeta();
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public List<T> items = new ArrayList<>();

    public KubeList() {
    }

    public KubeList(String apiVersion, String kind, String resourceVersion, List<T> items) {
        this.apiVersion = apiVersion;
        this.kind = kind;
        this.metadata = new ListMeta(resourceVersion);
        this.items = items;
    }
}
