package io.gantry.api.meta.v1;

import java.util.List;

/**
 * Kubernetes {@code LabelSelectorRequirement}: a key, an operator ({@code In}, {@code NotIn},
 * {@code Exists}, {@code DoesNotExist}) and, for In and NotIn, the values.
 */
public class LabelSelectorRequirement extends Extensible {

    public String key;
    public String operator;
    public List<String> values;

    public LabelSelectorRequirement() {
    }

    public LabelSelectorRequirement(String key, String operator, List<String> values) {
        this.key = key;
        this.operator = operator;
        this.values = values;
    }
}
