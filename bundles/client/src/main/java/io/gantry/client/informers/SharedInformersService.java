package io.gantry.client.informers;

import io.gantry.api.client.ApiClient;
import io.gantry.api.client.Informer;
import io.gantry.api.client.Informers;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.SharedInformers;
import io.gantry.api.meta.v1.KubeObject;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The JVM's one set of shared informers, published for every component (scheduler, kubelet,
 * controllers). It needs nothing but an {@link ApiClient}: the in-process registry's on a control
 * plane, the HTTP client's on a worker, so both roles get the same service from the same component.
 *
 * <p>The reference is static: if the client goes, the informers close with this component and the
 * components using them are restarted with fresh ones on the next client.
 */
@Component(service = SharedInformers.class)
public class SharedInformersService implements SharedInformers {

    private final Informers informers;

    @Activate
    public SharedInformersService(@Reference ApiClient api) {
        this.informers = new Informers(api);
    }

    @Deactivate
    void deactivate() {
        informers.close();
    }

    @Override
    public <T extends KubeObject> Informer<T> informer(ResourceKind<T> kind) {
        return informers.informer(kind);
    }

    @Override
    public boolean hasSynced() {
        return informers.hasSynced();
    }
}
