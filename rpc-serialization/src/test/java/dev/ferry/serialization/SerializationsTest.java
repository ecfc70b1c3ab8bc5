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
    void unknownIds() {
        // Java native serialization (3) is not provided
        assertNull(Serializations.load().byId((byte) 3));
        assertNull(Serializations.load().nameOf((byte) 3));
        assertNull(Serializations.load().byId((byte) 31));
        assertNull(Serializations.load().byId((byte) 32));
        assertNull(Serializations.load().byId((byte) -1));
        assertNull(Serializations.load().nameOf((byte) 0x42));
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Serializations.load().byName("java"));
        assertTrue(e.getMessage().contains("'java'"), e.getMessage());
        assertTrue(e.getMessage().contains("hessian2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Serializations.load().byName(null));
    }
}
