package io.gantry.store.etcd;

import java.lang.annotation.Annotation;
import java.net.URI;

/** The etcd store's configuration as a test sets it. */
record TestConfig(URI endpoint, String keyPrefix) implements EtcdStore.Config {

    @Override
    public String endpoints() {
        return endpoint.toString();
    }

    @Override
    public int requestTimeoutSeconds() {
        return 10;
    }

    @Override
    public int compactionIntervalMinutes() {
        return 0;
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return EtcdStore.Config.class;
    }
}
