package io.gantry.api.core.v1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Kubernetes {@code IntOrString}: a port number or a port name, written as a JSON number or string. */
public final class IntOrString {

    private final Object value;

    private IntOrString(Object value) {
        this.value = value;
    }

    @JsonCreator
    public static IntOrString of(Object value) {
        return new IntOrString(value instanceof Number number ? (Object) number.intValue() : String.valueOf(value));
    }

    public static IntOrString of(int value) {
        return new IntOrString(value);
    }

    @JsonValue
    public Object value() {
        return value;
    }

    public boolean isInt() {
        return value instanceof Integer;
    }

    public int intValue() {
        return (Integer) value;
    }

    public String stringValue() {
        return String.valueOf(value);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IntOrString that && value.equals(that.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return String.valueOf(value);
    }
}
