package dev.ferry.serialization;

import dev.ferry.serialization.fixtures.BaseEntity;
import dev.ferry.serialization.fixtures.BusinessException;
import dev.ferry.serialization.fixtures.Gadget;
import dev.ferry.serialization.fixtures.Money;
import dev.ferry.serialization.fixtures.Order;
import dev.ferry.serialization.fixtures.OrderLine;
import dev.ferry.serialization.fixtures.OrderService;
import dev.ferry.serialization.fixtures.Page;
import dev.ferry.serialization.fixtures.Point;
import dev.ferry.serialization.fixtures.Status;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DefaultClassAllowlistTest {

    private static final DefaultClassAllowlist JDK = DefaultClassAllowlist.jdkDefaults();

    @Test
    void jdkValueTypesAreAllowed() {
        for (String name : List.of("int", "long", "boolean", "java.lang.Integer", "java.lang.String",
                "java.lang.Object", "java.math.BigDecimal", "java.math.BigInteger", "java.util.Date",
                "java.sql.Timestamp", "java.util.UUID", "java.time.LocalDate", "java.time.Instant",
                "java.time.chrono.JapaneseDate", "java.time.DayOfWeek",
                "java.util.ArrayList", "java.util.LinkedList", "java.util.HashMap", "java.util.LinkedHashMap",
                "java.util.TreeMap", "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet",
                "java.util.ImmutableCollections$ListN", "java.util.ImmutableCollections$Map1",
                "java.util.Collections$UnmodifiableRandomAccessList", "java.util.Collections$EmptyList",
                "java.util.Collections$SingletonMap", "java.util.Arrays$ArrayList",
                "java.lang.IllegalStateException", "java.lang.RuntimeException", "java.lang.Throwable",
                "java.lang.StackOverflowError", "java.util.NoSuchElementException",
                "java.util.concurrent.TimeoutException", "java.lang.StackTraceElement",
                "[I", "[[J", "[Ljava.lang.String;", "[[Ljava.time.LocalDate;", "[int", "[java.lang.Long")) {
            assertTrue(JDK.allows(name), name);
        }
    }

    @Test
    void everythingElseIsRefused() {
        for (String name : List.of("com.example.Foo", Gadget.class.getName(), "java.util.concurrent.ConcurrentSkipListMap",
                "java.lang.reflect.UndeclaredThrowableException", "java.util.concurrent.locks.ReentrantLock",
                "java.util.Collections$CheckedList", "[Lcom.example.Foo;", "", "L", "[", "[L;")) {
            assertFalse(JDK.allows(name), name);
        }
        assertFalse(JDK.allows(null));
    }

    @Test
    void knownGadgetsAreRefusedWhateverIsAdded() {
        List<String> gadgets = List.of("java.util.PriorityQueue", "java.lang.Runtime", "java.lang.ProcessBuilder",
                "java.lang.Class", "java.lang.Thread", "java.net.URL", "java.lang.reflect.Proxy",
                "java.lang.invoke.SerializedLambda", "java.beans.EventHandler", "javax.naming.InitialContext",
                "java.rmi.server.UnicastRemoteObject", "sun.reflect.annotation.AnnotationInvocationHandler",
                "jdk.internal.misc.Unsafe", "com.sun.rowset.JdbcRowSetImpl",
                "javax.management.BadAttributeValueExpException",
                "com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl",
                "org.apache.commons.collections.functors.InvokerTransformer", "javax.script.ScriptEngineManager",
                "[Ljava.util.PriorityQueue;");
        DefaultClassAllowlist.Builder builder = DefaultClassAllowlist.builder()
                .allowPackage("java").allowPackage("javax").allowPackage("sun").allowPackage("jdk")
                .allowPackage("com.sun").allowPackage("org.apache");
        gadgets.forEach(builder::allowClass);
        DefaultClassAllowlist everything = builder.build();
        for (String gadget : gadgets) {
            assertTrue(DefaultClassAllowlist.isKnownGadget(gadget), gadget);
            assertFalse(JDK.allows(gadget), gadget);
            assertFalse(everything.allows(gadget), gadget);
        }
        assertTrue(everything.allows("java.util.concurrent.ConcurrentSkipListMap"), "the added package itself works");
    }

    @Test
    void allowTypesOfWalksTheInterface() {
        DefaultClassAllowlist allowlist = DefaultClassAllowlist.builder().allowTypesOf(OrderService.class).build();
        // parameters, returns (CompletableFuture<List<OrderLine>> unwrapped), exceptions, generics
        for (Class<?> type : List.of(Order.class, BaseEntity.class, OrderLine.class, Status.class,
                BusinessException.class, Page.class, Point.class, Money.class, Order[].class, String[].class)) {
            assertTrue(allowlist.allows(type.getName()), type.getName());
        }
        // a constant with a body is a subclass of the enum, travelling as the enum
        assertTrue(allowlist.allows(Status.class.getName()));
        // static and transient fields, and the future wrapper, add nothing
        assertFalse(allowlist.allows(Gadget.class.getName()));
        assertFalse(allowlist.allows("java.util.concurrent.CompletableFuture"));
        assertFalse(allowlist.allows(OrderService.class.getName() + "Impl"));
        assertFalse(allowlist.allows("com.example.Foo"));
    }

    /** A service exchanging protoc-generated messages. */
    interface ProtoService {
        dev.ferry.serialization.protobuf.test.OrderReply place(dev.ferry.serialization.protobuf.test.OrderRequest request);
    }

    @Test
    void generatedProtobufMessagesAreAllowedButNotWalkedInto() {
        DefaultClassAllowlist allowlist = DefaultClassAllowlist.builder().allowTypesOf(ProtoService.class).build();
        assertTrue(allowlist.allows(dev.ferry.serialization.protobuf.test.OrderRequest.class.getName()));
        assertTrue(allowlist.allows(dev.ferry.serialization.protobuf.test.OrderReply.class.getName()));
        // the runtime's internals behind a message's fields are not values the service exchanges
        for (String internal : List.of("com.google.protobuf.GeneratedMessageV3", "com.google.protobuf.UnknownFieldSet",
                "com.google.protobuf.MapField", "com.google.protobuf.LazyStringArrayList",
                "com.google.protobuf.ByteString")) {
            assertFalse(allowlist.allows(internal), internal);
        }
    }

    @Test
    void enumAndRecordBasesAreAllowedForJavaSerialization() {
        assertTrue(JDK.allows("java.lang.Enum"));
        assertTrue(JDK.allows("java.lang.Record"));
    }

    @Test
    void userAdditions() {
        DefaultClassAllowlist allowlist = DefaultClassAllowlist.builder()
                .allowClass("com.example.Single")
                .allowClass(Gadget.class)
                .allowPackage("com.acme")
                .allowPackage("org.shop.")
                .build();
        assertTrue(allowlist.allows("com.example.Single"));
        assertFalse(allowlist.allows("com.example.Other"));
        assertTrue(allowlist.allows(Gadget.class.getName()));
        assertTrue(allowlist.allows("com.acme.Order"));
        assertTrue(allowlist.allows("com.acme.deep.Line$Item"));
        assertFalse(allowlist.allows("com.acmex.Order"), "a package prefix stops at a package boundary");
        assertTrue(allowlist.allows("org.shop.Cart"));
        assertTrue(allowlist.allows("[Lcom.acme.Order;"));
        assertThrows(IllegalArgumentException.class, () -> DefaultClassAllowlist.builder().allowPackage(" "));
        assertThrows(NullPointerException.class, () -> DefaultClassAllowlist.builder().allowClass((String) null));
    }

    @Test
    void decisionsAreStableUnderConcurrency() {
        DefaultClassAllowlist allowlist = DefaultClassAllowlist.builder().allowTypesOf(OrderService.class).build();
        IntStream.range(0, 20_000).parallel().forEach(i -> {
            assertTrue(allowlist.allows(Order.class.getName()));
            assertFalse(allowlist.allows("com.example.Random" + i));
        });
        assertEquals(true, allowlist.allows(OrderLine.class.getName()));
    }
}
