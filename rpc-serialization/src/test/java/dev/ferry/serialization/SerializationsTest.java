package dev.ferry.serialization;

import dev.ferry.api.spi.Serialization;
import dev.ferry.serialization.hessian2.Hessian2Serialization;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SerializationsTest {

    @Test
    void hessian2IsFoundByIdAndName() {
        Serialization byId = Serializations.load().byId((byte) 2);
        assertInstanceOf(Hessian2Serialization.class, byId);
        assertSame(byId, Serializations.load().byName("hessian2"));
        assertEquals("hessian2", Serializations.load().nameOf((byte) 2));
        assertTrue(Serializations.load().all().contains(byId));
    }

    @Test
    void everyBuiltInSerializationHasDubbosId() {
        Serializations all = Serializations.load();
        assertInstanceOf(dev.ferry.serialization.java.JavaSerialization.class, all.byId((byte) 3));
        assertInstanceOf(dev.ferry.serialization.protobuf.ProtobufSerialization.class, all.byId((byte) 22));
        assertInstanceOf(dev.ferry.serialization.fastjson2.Fastjson2Serialization.class, all.byId((byte) 23));
        assertEquals("java", all.nameOf((byte) 3));
        assertEquals("protobuf", all.nameOf((byte) 22));
        assertEquals("fastjson2", all.nameOf((byte) 23));
        assertSame(all.byId((byte) 23), all.byName("fastjson2"));
        assertEquals(4, all.all().size());
    }

    @Test
    void unknownIds() {
        assertNull(Serializations.load().byId((byte) 0));
        assertNull(Serializations.load().nameOf((byte) 4));
        assertNull(Serializations.load().byId((byte) 31));
        assertNull(Serializations.load().byId((byte) 32));
        assertNull(Serializations.load().byId((byte) -1));
        assertNull(Serializations.load().nameOf((byte) 0x42));
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Serializations.load().byName("kryo"));
        assertTrue(e.getMessage().contains("'kryo'"), e.getMessage());
        assertTrue(e.getMessage().contains("hessian2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Serializations.load().byName(null));
    }
}
