package io.gantry.api.core.v1;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities ({@code 250m}, {@code 2}, {@code 64Mi}, {@code 1G}, {@code 1e3}),
 * read into numbers. Quantities stay strings in the model, as written by the user.
 */
public final class Quantity {

    private static final Pattern FORMAT =
            Pattern.compile("^([+-]?[0-9]+(?:\\.[0-9]*)?|[+-]?\\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$");

    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
            Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
            Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
            Map.entry("Ei", BigDecimal.valueOf(1L << 60)),
            Map.entry("n", new BigDecimal("1e-9")),
            Map.entry("u", new BigDecimal("1e-6")),
            Map.entry("m", new BigDecimal("1e-3")),
            Map.entry("k", new BigDecimal("1e3")),
            Map.entry("M", new BigDecimal("1e6")),
            Map.entry("G", new BigDecimal("1e9")),
            Map.entry("T", new BigDecimal("1e12")),
            Map.entry("P", new BigDecimal("1e15")),
            Map.entry("E", new BigDecimal("1e18")));

    private Quantity() {
    }

    /** True if the text is a quantity Kubernetes accepts. */
    public static boolean isValid(String text) {
        return text != null && FORMAT.matcher(text.trim()).matches();
    }

    /**
     * The value of a quantity.
     *
     * @throws IllegalArgumentException if the text is not a quantity
     */
    public static BigDecimal parse(String text) {
        Matcher matcher = text == null ? null : FORMAT.matcher(text.trim());
        if (matcher == null || !matcher.matches()) {
            throw new IllegalArgumentException("quantities must match the regular expression '"
                    + "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
        }
        BigDecimal number = new BigDecimal(matcher.group(1));
        String suffix = matcher.group(2);
        if (suffix == null) {
            return number;
        }
        if (suffix.startsWith("e") || suffix.startsWith("E")) {
            return number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
        }
        return number.multiply(SUFFIXES.get(suffix));
    }

    /** The value in thousandths, rounded up, as CPU is counted ({@code 250m} gives 250). */
    public static long milliValue(String text) {
        return parse(text).movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** The value in units, rounded up, as memory is counted ({@code 64Mi} gives 67108864). */
    public static long value(String text) {
        return parse(text).setScale(0, RoundingMode.CEILING).longValueExact();
    }
}
