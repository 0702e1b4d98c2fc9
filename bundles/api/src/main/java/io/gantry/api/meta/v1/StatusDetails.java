package io.gantry.api.meta.v1;

import java.util.ArrayList;
import java.util.List;

/** Kubernetes {@code StatusDetails}: which object an error is about and, if invalid, which fields. */
public class StatusDetails extends Extensible {

    public String name;
    public String group;
    public String kind;
    public String uid;
    public List<StatusCause> causes = new ArrayList<>();
    public Integer retryAfterSeconds;
}
