package dev.ferry.cluster.support;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class EmptyValuesTest {

    @Test
    void emptyValueOfEachKindOfType() throws Exception {
        assertEquals(0, EmptyValues.of(int.class));
        assertEquals(false, EmptyValues.of(boolean.class));
        assertEquals(0L, EmptyValues.of(long.class));
        assertNull(EmptyValues.of(void.class));
        assertNull(EmptyValues.of(String.class));
        assertNull(EmptyValues.of(Integer.class));
        assertNull(EmptyValues.of(ArrayList.class), "a concrete class promises its own type");
        assertEquals(Optional.empty(), EmptyValues.of(Optional.class));
        assertEquals(OptionalInt.empty(), EmptyValues.of(OptionalInt.class));
        assertEquals(List.of(), EmptyValues.of(List.class));
        assertEquals(List.of(), EmptyValues.of(Collection.class));
        assertEquals(Set.of(), EmptyValues.of(Set.class));
        assertEquals(Map.of(), EmptyValues.of(Map.class));
        assertArrayEquals(new String[0], (String[]) EmptyValues.of(String[].class));
        assertArrayEquals(new int[0], (int[]) EmptyValues.of(int[].class));
        // Generic return types, as a method declares them.
        assertEquals(List.of(), EmptyValues.of(Holder.class.getMethod("names").getGenericReturnType()));
    }

    interface Holder {
        List<String> names();
    }
}
