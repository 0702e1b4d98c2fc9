package io.gantry.store.hazelcast;

/**
 * A class loader that sees everything the test sees except this bundle's classes, as Hazelcast's
 * own class loader in OSGi does: members given it can only make the store's processors through
 * the registered factory, never by loading a class by name.
 */
final class StoreClassesHidden extends ClassLoader {

    StoreClassesHidden() {
        super(StoreClassesHidden.class.getClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith(StoreClassesHidden.class.getPackageName() + ".")) {
            throw new ClassNotFoundException(name + " is hidden from Hazelcast, as in OSGi");
        }
        return super.loadClass(name, resolve);
    }
}
