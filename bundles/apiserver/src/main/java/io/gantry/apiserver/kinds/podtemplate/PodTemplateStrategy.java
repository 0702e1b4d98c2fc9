package io.gantry.apiserver.kinds.podtemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.apiserver.kinds.Cells;
import io.gantry.apiserver.kinds.pod.PodTemplates;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.Validator;
import java.util.List;

/** v1 PodTemplates: a pod template defaulted and checked as a pod's spec is. */
public final class PodTemplateStrategy extends KindStrategy {

    static final ResourceKind<KubeObject> KIND = ResourceKind.of("", "v1", "podtemplates", "podtemplate", "PodTemplate",
            true, KubeObject.class, List.of());

    public PodTemplateStrategy() {
        super(KIND);
    }

    @Override
    public void applyDefaults(ObjectNode podTemplate) {
        PodTemplates.defaults(podTemplate.path("template"));
    }

    @Override
    public void validate(ObjectNode podTemplate, Validator v) {
        JsonNode template = podTemplate.get("template");
        if (template == null || template.isNull()) {
            v.required("template");
            return;
        }
        PodTemplates.validate(template, "template", v);
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.NAME,
                Column.of("Containers", "Names of each container in the template.",
                        t -> Cells.containerNames(t.path("template").path("spec"))),
                Column.of("Images", "Images referenced by each container in the template.",
                        t -> Cells.containerImages(t.path("template").path("spec"))),
                Column.of("Pod Labels", "The labels for the pod template.",
                        t -> Cells.labels(t.path("template").path("metadata").path("labels"))));
    }
}
