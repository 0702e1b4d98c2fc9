package io.gantry.apiserver.kinds.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.Validator;
import java.util.List;

/** v1 ServiceAccounts: named secrets and image pull secrets must name something. */
public final class ServiceAccountStrategy extends KindStrategy {

    public ServiceAccountStrategy() {
        super(ResourceKind.SERVICE_ACCOUNTS);
    }

    @Override
    public void validate(ObjectNode account, Validator v) {
        int i = 0;
        for (JsonNode secret : account.path("imagePullSecrets")) {
            String name = secret.path("name").asText("");
            if (name.isEmpty()) {
                v.required("imagePullSecrets[" + i + "].name");
            }
            i++;
        }
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.NAME,
                Column.of("Secrets", "Secrets is a list of the secrets in the same namespace that pods running using "
                        + "this ServiceAccount are allowed to use.", sa -> (long) sa.path("secrets").size()),
                Column.AGE);
    }
}
