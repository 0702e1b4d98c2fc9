package io.gantry.cluster;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import org.junit.jupiter.api.Test;

/** The member's fixed factory follows whichever plugin factory is published under its id. */
class PluginSerializersTest {

    @Test
    void theDelegateCallsThePublishedFactoryAndSaysWhenThereIsNone() {
        PluginSerializers serializers = new PluginSerializers();
        DataSerializableFactory delegate = serializers.delegate(1700);
        Thing first = new Thing();
        Thing second = new Thing();
        DataSerializableFactory v1 = classId -> first;
        DataSerializableFactory v2 = classId -> second;

        HazelcastSerializationException none = assertThrows(HazelcastSerializationException.class, () -> delegate.create(1));
        assertTrue(none.getMessage().contains("1700"), none.getMessage());

        serializers.publish(1700, v1);
        assertSame(first, delegate.create(1));
        serializers.publish(1700, v2);
        serializers.withdraw(1700, v1);
        assertSame(second, delegate.create(1), "withdrawing an older factory leaves the newer one");
        serializers.withdraw(1700, v2);
        assertThrows(HazelcastSerializationException.class, () -> delegate.create(1));
    }

    private static final class Thing implements IdentifiedDataSerializable {
        @Override
        public int getFactoryId() {
            return 1700;
        }

        @Override
        public int getClassId() {
            return 1;
        }

        @Override
        public void writeData(ObjectDataOutput out) {
        }

        @Override
        public void readData(ObjectDataInput in) {
        }
    }
}
