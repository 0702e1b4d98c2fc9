package io.gantry.api.client;

import io.gantry.api.meta.v1.KubeObject;

/**
 * The informers a JVM shares, as an OSGi service: every component asks it for the informer of a
 * kind instead of listing and watching on its own, so that each kind is listed and watched once
 * per JVM whatever the number of components. Components add handlers and indexes to the informers
 * they get and close their handlers' registrations when they stop; the service owns the informers.
 */
public interface SharedInformers {

    /**
     * The shared informer of a kind, of every namespace and without selectors, started the first
     * time it is asked for.
     *
     * @throws IllegalStateException once the service is stopping
     */
    <T extends KubeObject> Informer<T> informer(ResourceKind<T> kind);

    /** True once every informer asked for so far holds a full list. */
    boolean hasSynced();
}
