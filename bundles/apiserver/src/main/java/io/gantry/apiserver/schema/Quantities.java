package io.gantry.apiserver.schema;

import java.util.regex.Pattern;

/**
 * The syntax of a Kubernetes quantity ({@code resource.ParseQuantity}): a signed decimal number,
 * then a binary suffix (Ki..Ei), a decimal suffix (n, u, m, k, M..E) or a decimal exponent (e3).
 */
final class Quantities {

    private static final Pattern QUANTITY = Pattern.compile(
            "[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\\d+)?");

    private Quantities() {
    }

    static boolean valid(String text) {
        return QUANTITY.matcher(text).matches();
    }
}
