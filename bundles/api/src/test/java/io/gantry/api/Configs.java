package io.gantry.api;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * A component's configuration as Declarative Services gives it from a .cfg file: the defaults of
 * its configuration annotation, with the given values instead (of the method's return type: 0L
 * for a long). A setting added to the component later takes its default here too. For tests and
 * benchmarks that make components without Declarative Services.
 */
public final class Configs {

    private Configs() {
    }

    public static <A extends Annotation> A of(Class<A> type, Map<String, Object> settings) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> type;
                    case "toString" -> type.getName() + " " + settings;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> settings.getOrDefault(method.getName(), method.getDefaultValue());
                }));
    }
}
