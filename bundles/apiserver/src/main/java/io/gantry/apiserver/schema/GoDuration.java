package io.gantry.apiserver.schema;

import java.math.BigDecimal;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's {@code time.Duration} text ({@code 1h2m3.5s}, {@code 300ms}), the JSON form of
 * {@code metav1.Duration}; nanoseconds in protobuf.
 */
final class GoDuration {

    private static final Pattern WHOLE = Pattern.compile("[-+]?(0|(\\d+(\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
    private static final Map<String, Long> UNITS = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L,
            "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    private GoDuration() {
    }

    /** Nanoseconds of a Go duration text, or empty if it is not one (or overflows). */
    static OptionalLong parse(String text) {
        if (!WHOLE.matcher(text).matches()) {
            return OptionalLong.empty();
        }
        boolean negative = text.startsWith("-");
        String body = text.startsWith("-") || text.startsWith("+") ? text.substring(1) : text;
        if (body.equals("0")) {
            return OptionalLong.of(0);
        }
        BigDecimal total = BigDecimal.ZERO;
        Matcher part = PART.matcher(body);
        while (part.find()) {
            total = total.add(new BigDecimal(part.group(1).endsWith(".") ? part.group(1) + "0" : part.group(1))
                    .multiply(BigDecimal.valueOf(UNITS.get(part.group(2)))));
        }
        try {
            long nanos = total.toBigInteger().longValueExact();
            return OptionalLong.of(negative ? -nanos : nanos);
        } catch (ArithmeticException e) {
            return OptionalLong.empty();
        }
    }

    /** The text Go's {@code Duration.String} gives. */
    static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder text = new StringBuilder(nanos < 0 ? "-" : "");
        BigDecimal value = BigDecimal.valueOf(nanos).abs();
        if (value.compareTo(BigDecimal.valueOf(1_000_000_000L)) < 0) {
            String unit = value.compareTo(BigDecimal.valueOf(1_000)) < 0 ? "ns"
                    : value.compareTo(BigDecimal.valueOf(1_000_000)) < 0 ? "µs" : "ms";
            return text.append(plain(value.divide(BigDecimal.valueOf(UNITS.get(unit))))).append(unit).toString();
        }
        BigDecimal hour = BigDecimal.valueOf(UNITS.get("h"));
        BigDecimal minute = BigDecimal.valueOf(UNITS.get("m"));
        BigDecimal[] hours = value.divideAndRemainder(hour);
        BigDecimal[] minutes = hours[1].divideAndRemainder(minute);
        if (hours[0].signum() > 0) {
            text.append(hours[0].toBigInteger()).append('h');
        }
        if (hours[0].signum() > 0 || minutes[0].signum() > 0) {
            text.append(minutes[0].toBigInteger()).append('m');
        }
        return text.append(plain(minutes[1].divide(BigDecimal.valueOf(UNITS.get("s"))))).append('s').toString();
    }

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }
}
