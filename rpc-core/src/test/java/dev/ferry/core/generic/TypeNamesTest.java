package dev.ferry.core.generic;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TypeNamesTest {

    @Test
    void namesBecomeDescriptors() {
        assertEquals("", TypeNames.descriptor(null));
        assertEquals("", TypeNames.descriptor(new String[0]));
        assertEquals("IJZBCSDF", TypeNames.descriptor(new String[]{"int", "long", "boolean", "byte", "char", "short",
                "double", "float"}));
        assertEquals("Ljava/lang/String;", TypeNames.descriptor(new String[]{"java.lang.String"}));
        assertEquals("[Ljava/lang/String;[[I", TypeNames.descriptor(new String[]{"java.lang.String[]", "int[][]"}));
        assertEquals("[Ljava/lang/String;[I", TypeNames.descriptor(new String[]{"[Ljava.lang.String;", "[I"}));
        assertEquals("Lcom/example/Outer$Inner;", TypeNames.descriptor(new String[]{"com.example.Outer$Inner"}));
    }

    @Test
    void malformedNamesAreRefusedWithThePosition() {
        String[][] bad = {
                {null}, {""}, {"int", "java..String"}, {".x"}, {"x."}, {"a b"}, {"a;b"}, {"a/b"}, {"[L;"}, {"[X"},
                {"[Ljava.lang.String"}, {"void"}, {"x\u0000y"}, {"1abc"}, {"int[]".repeat(40)},
                {"a".repeat(TypeNames.MAX_NAME_LENGTH + 1)}, {"[".repeat(40) + "I"},
        };
        for (String[] names : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TypeNames.descriptor(names),
                    () -> "should refuse " + java.util.Arrays.toString(names));
            assertTrue(e.getMessage().startsWith("parameter type " + (names.length - 1)), e.getMessage());
        }
    }

    @Test
    void shownNamesArePrintableAndShort() {
        String s = TypeNames.shown("a\u0001b" + "c".repeat(200));
        assertTrue(s.startsWith("a?b"));
        assertTrue(s.length() <= 81);
    }
}
