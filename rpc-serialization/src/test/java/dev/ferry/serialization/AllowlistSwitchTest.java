package dev.ferry.serialization;

import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.api.spi.ObjectOutput;
import dev.ferry.api.spi.Serialization;
import dev.ferry.serialization.fixtures.Point;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An input made with one allowlist reads what follows under another after
 * {@link ObjectInput#useAllowlist}: how a codec reads a request's header before it knows the
 * service, then its arguments under the service's allowlist.
 */
class AllowlistSwitchTest {

    private static final ClassAllowlist NOTHING = className -> false;
    private static final ClassAllowlist POINTS = DefaultClassAllowlist.builder().allowClass(Point.class).build();

    private static byte[] headerThenPoint(Serialization s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ObjectOutput out = s.serialize(bytes);
        out.writeUTF("demo.Shapes");
        out.writeObject(new Point(1, 2, "p"));
        out.flush();
        return bytes.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hessian2", "fastjson2"})
    void valuesAfterTheSwitchAreReadUnderTheNewAllowlist(String name) throws IOException {
        Serialization s = Serializations.load().byName(name);
        byte[] bytes = headerThenPoint(s);

        ObjectInput in = s.deserialize(new ByteArrayInputStream(bytes), NOTHING);
        assertEquals("demo.Shapes", in.readUTF());
        assertTrue(in.useAllowlist(POINTS));
        assertEquals(new Point(1, 2, "p"), in.readObject(Point.class, Point.class));

        ObjectInput unswitched = s.deserialize(new ByteArrayInputStream(bytes), NOTHING);
        assertEquals("demo.Shapes", unswitched.readUTF());
        assertThrows(ClassRefusedException.class, () -> unswitched.readObject(Point.class, Point.class));

        ObjectInput narrowed = s.deserialize(new ByteArrayInputStream(bytes), POINTS);
        assertEquals("demo.Shapes", narrowed.readUTF());
        assertTrue(narrowed.useAllowlist(NOTHING));
        assertThrows(ClassRefusedException.class, () -> narrowed.readObject(Point.class, Point.class),
                "a switch to a narrower allowlist holds too");
        assertThrows(NullPointerException.class, () -> in.useAllowlist(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"protobuf", "java"})
    void serializationsThatCannotSwitchSaySo(String name) throws IOException {
        Serialization s = Serializations.load(Serializations.class.getClassLoader()).byName(name);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ObjectOutput out = s.serialize(bytes); // an empty stream, with whatever header it has
        out.flush();
        ObjectInput in = s.deserialize(new ByteArrayInputStream(bytes.toByteArray()), NOTHING);
        assertFalse(in.useAllowlist(POINTS));
    }
}
