package io.gantry.api.meta.v1;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.Objects;

/**
 * Kubernetes {@code IntOrString}: a JSON number or a JSON string, kept as written; a port
 * ({@code 8080} or {@code http}) or an amount ({@code 1} or {@code 25%}). Immutable.
 */
@JsonSerialize(using = IntOrString.Writer.class)
@JsonDeserialize(using = IntOrString.Reader.class)
public final class IntOrString {

    private final Integer intValue;
    private final String stringValue;

    private IntOrString(Integer intValue, String stringValue) {
        this.intValue = intValue;
        this.stringValue = stringValue;
    }

    public static IntOrString of(int value) {
        return new IntOrString(value, null);
    }

    public static IntOrString of(String value) {
        return new IntOrString(null, Objects.requireNonNull(value));
    }

    /** An int if the text is one ({@code "8080"}), a string otherwise, as intstr.Parse does. */
    public static IntOrString parse(String text) {
        try {
            return of(Integer.parseInt(text));
        } catch (NumberFormatException e) {
            return of(text);
        }
    }

    /** True if written as a number. */
    public boolean isInt() {
        return intValue != null;
    }

    /** The number; for a string, the number it spells, or 0 (as Kubernetes' IntValue). */
    public int intValue() {
        if (intValue != null) {
            return intValue;
        }
        try {
            return Integer.parseInt(stringValue);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The string; for a number, its decimal form. */
    public String stringValue() {
        return intValue != null ? intValue.toString() : stringValue;
    }

    /**
     * The amount this stands for out of a total: a number as is, a percentage ({@code 25%}) of the
     * total, rounded up or down (Kubernetes' {@code intstr.GetScaledValueFromIntOrPercent}, used
     * for maxSurge, rounded up, and maxUnavailable, rounded down).
     *
     * @throws IllegalArgumentException for a string that is not a whole percentage, with
     *     Kubernetes' wording
     */
    public int scaledValue(int total, boolean roundUp) {
        if (intValue != null) {
            return intValue;
        }
        if (!stringValue.endsWith("%")) {
            throw new IllegalArgumentException("invalid value for IntOrString: invalid type: string is not a percentage");
        }
        long percent;
        try {
            percent = Integer.parseInt(stringValue.substring(0, stringValue.length() - 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid value for IntOrString: invalid value \"" + stringValue + "\"");
        }
        // exact integer arithmetic; equal to Kubernetes' float Ceil/Floor for every int32 input
        long scaled = percent * total;
        return (int) (roundUp ? -Math.floorDiv(-scaled, 100) : Math.floorDiv(scaled, 100));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IntOrString that
                && Objects.equals(intValue, that.intValue) && Objects.equals(stringValue, that.stringValue);
    }

    @Override
    public int hashCode() {
        return Objects.hash(intValue, stringValue);
    }

    @Override
    public String toString() {
        return stringValue();
    }

    /** Writes a number as a JSON number, a string as a JSON string. */
    static final class Writer extends StdSerializer<IntOrString> {
        Writer() {
            super(IntOrString.class);
        }

        @Override
        public void serialize(IntOrString value, JsonGenerator out, SerializerProvider provider) throws IOException {
            if (value.intValue != null) {
                out.writeNumber(value.intValue);
            } else {
                out.writeString(value.stringValue);
            }
        }
    }

    /** Reads a JSON integer or string; anything else is an input mismatch naming the field. */
    static final class Reader extends StdDeserializer<IntOrString> {
        Reader() {
            super(IntOrString.class);
        }

        @Override
        public IntOrString deserialize(JsonParser in, DeserializationContext context) throws IOException {
            JsonToken token = in.currentToken();
            if (token == JsonToken.VALUE_NUMBER_INT && in.getNumberType() == JsonParser.NumberType.INT) {
                return of(in.getIntValue());
            }
            if (token == JsonToken.VALUE_STRING) {
                return of(in.getText());
            }
            return (IntOrString) context.handleUnexpectedToken(IntOrString.class, token, in,
                    "expected an integer or a string");
        }
    }
}
