package io.gantry.apiserver.kinds.lease;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.Trees;
import io.gantry.apiserver.registry.Validator;
import java.util.List;

/**
 * coordination.k8s.io/v1 Leases, as {@code pkg/registry/coordination/lease/strategy.go}: created
 * on update (a contender PUTs the lease it wants), a positive duration, counted transitions.
 */
public final class LeaseStrategy extends KindStrategy {

    public LeaseStrategy() {
        super(ResourceKind.LEASES);
    }

    @Override
    public boolean allowCreateOnUpdate() {
        return true;
    }

    @Override
    public void validate(ObjectNode lease, Validator v) {
        JsonNode spec = lease.path("spec");
        JsonNode duration = spec.get("leaseDurationSeconds");
        if (duration != null && duration.isNumber() && duration.asLong() <= 0) {
            v.invalid("spec.leaseDurationSeconds", duration.asLong(), "must be greater than 0");
        }
        JsonNode transitions = spec.get("leaseTransitions");
        if (transitions != null && transitions.isNumber()) {
            v.nonNegative("spec.leaseTransitions", transitions.asLong());
        }
        if (!Trees.textOr(spec, "", "preferredHolder").isEmpty() && Trees.textOr(spec, "", "strategy").isEmpty()) {
            v.forbidden("spec.preferredHolder", "may only be specified if `strategy` is defined");
        }
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.NAME,
                Column.of("Holder", "holderIdentity contains the identity of the holder of a current lease.",
                        lease -> Trees.textOr(lease, "", "spec", "holderIdentity")),
                Column.AGE);
    }
}
