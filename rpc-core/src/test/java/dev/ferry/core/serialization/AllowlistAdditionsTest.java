package dev.ferry.core.serialization;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Invocation;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.spi.CodecException;
import dev.ferry.api.spi.ExportOptions;
import dev.ferry.api.spi.Request;
import dev.ferry.api.spi.Response;
import dev.ferry.core.codec.CodecOptions;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.core.transport.PendingCalls;
import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

import static dev.ferry.core.serialization.CodecRig.call;
import static dev.ferry.core.serialization.CodecRig.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a service or a reference adds to its allowlist reaches the codec, and nothing more. */
class AllowlistAdditionsTest {

    private static final List<String> OBJECT_SERIALIZATIONS = List.of("hessian2", "fastjson2", "java");

    private static CodecException refusedRequest(CodecRig rig, String serialization, Object value) throws Exception {
        byte[] frame = rig.encode(Request.call(5, rig.id(serialization), true, call("store", CallOptions.DEFAULT, value)));
        return assertThrows(CodecException.class, () -> rig.decodeRequest(frame));
    }

    @Test
    void aServiceReadsOnlyItsOwnTypesUnlessItsConfigurationAddsMore() throws Exception {
        Vault.Extra extra = new Vault.Extra("note");
        CodecRig plain = new CodecRig(service().serializations(OBJECT_SERIALIZATIONS).build());
        CodecRig byClass = new CodecRig(service().serializations(OBJECT_SERIALIZATIONS)
                .allowClass(Vault.Extra.class.getName()).build());
        CodecRig byPackage = new CodecRig(service().serializations(OBJECT_SERIALIZATIONS)
                .allowPackage("dev.ferry.core.serialization").build());
        // the consumer must be able to read the echo too
        CallOptions reads = ReferenceConfig.builder(Vault.class).allowClass(Vault.Extra.class.getName()).build().callOptions();
        for (String serialization : OBJECT_SERIALIZATIONS) {
            CodecException e = refusedRequest(plain, serialization, extra);
            assertEquals(Code.BAD_REQUEST, e.code());
            assertTrue(e.getMessage().contains("class " + Vault.Extra.class.getName() + " is not allowed"), e.getMessage());
            assertTrue(e.getMessage().contains("allowClass"), "the refusal says how to allow it: " + e.getMessage());
            assertEquals(extra, byClass.roundTrip(serialization, call("store", reads, extra)).value());
            assertEquals(extra, byPackage.roundTrip(serialization, call("store", reads, extra)).value());
        }
    }

    @Test
    void knownGadgetsStayRefusedWhateverIsAdded() throws Exception {
        CodecRig rig = new CodecRig(service().serializations(OBJECT_SERIALIZATIONS)
                .allowPackage("java.util")
                .allowClass("java.util.PriorityQueue", Vault.Gadget.class.getName())
                .build());
        PriorityQueue<Integer> queue = new PriorityQueue<>(Comparator.reverseOrder());
        queue.add(1);
        queue.add(2);
        for (String serialization : OBJECT_SERIALIZATIONS) {
            CodecException e = refusedRequest(rig, serialization, queue);
            assertTrue(e.getMessage().contains("java.util.PriorityQueue"), e.getMessage());
            assertTrue(e.getMessage().contains("known deserialization gadgets"), e.getMessage());
        }
        // what was added by name is allowed
        CallOptions reads = ReferenceConfig.builder(Vault.class).allowClass(Vault.Gadget.class.getName()).build().callOptions();
        assertEquals("calc", ((Vault.Gadget) rig.roundTrip("hessian2",
                call("store", reads, new Vault.Gadget("calc"))).value()).command());
    }

    @Test
    void aReferenceReadsOnlyItsOwnTypesUnlessItsConfigurationAddsMore() throws Exception {
        CodecRig rig = new CodecRig(service().serializations(OBJECT_SERIALIZATIONS)
                .allowClass(Vault.Extra.class.getName()).build());
        CallOptions plain = ReferenceConfig.builder(Vault.class).build().callOptions();
        CallOptions adding = ReferenceConfig.builder(Vault.class).allowClass(Vault.Extra.class.getName()).build().callOptions();
        assertNull(plain.get(CodecOptions.REPLY_ALLOWLIST));
        assertNotNull(adding.get(CodecOptions.REPLY_ALLOWLIST));
        for (String serialization : OBJECT_SERIALIZATIONS) {
            long refusedId = PendingCalls.nextId();
            Invocation refusedCall = call("store", plain.with(CallOptions.SERIALIZATION, serialization), "x");
            rig.expect(refusedId, refusedCall);
            byte[] reply = rig.encode(Response.ok(refusedId, rig.id(serialization), Result.value(new Vault.Extra("n"))));
            CodecException e = assertThrows(CodecException.class, () -> rig.decodeReply(reply));
            assertEquals(Code.BAD_RESPONSE, e.code());
            assertTrue(e.getMessage().contains(Vault.Extra.class.getName()), e.getMessage());

            long id = PendingCalls.nextId();
            rig.expect(id, call("store", adding.with(CallOptions.SERIALIZATION, serialization), "x"));
            Response ok = rig.decodeReply(rig.encode(Response.ok(id, rig.id(serialization), Result.value(new Vault.Extra("n")))));
            assertEquals(new Vault.Extra("n"), ok.result().value());
        }
        CallOptions byPackage = ReferenceConfig.builder(Vault.class).allowPackage("dev.ferry.core.serialization.")
                .build().callOptions();
        assertTrue(byPackage.get(CodecOptions.REPLY_ALLOWLIST).allows(Vault.Extra.class.getName()));
        assertTrue(!byPackage.get(CodecOptions.REPLY_ALLOWLIST).allows("java.util.PriorityQueue"));
    }

    @Test
    void exportOptionsCarryTheAdditionsAndTheLimit() {
        ServiceConfig<Vault> config = service().allowClass("com.example.Outer$Inner", "com.example.Other")
                .allowPackage("com.example.values.").payloadLimit(4096).build();
        ExportOptions options = config.exportOptions();
        assertEquals(List.of("com.example.Outer$Inner", "com.example.Other"), options.allowedClasses());
        assertEquals(List.of("com.example.values"), options.allowedPackages());
        assertEquals(4096, options.payloadLimit());
        assertEquals(List.of("hessian2"), options.serializations());
        ExportOptions defaults = service().build().exportOptions();
        assertEquals(ExportOptions.PROTOCOL_PAYLOAD_LIMIT, defaults.payloadLimit());
        assertEquals(List.of(), defaults.allowedClasses());
        // the constructor protocols and tests used before keeps its meaning
        ExportOptions old = new ExportOptions(List.of("hessian2"), "", 100);
        assertEquals(0, old.payloadLimit(), "the protocol's limit");
        assertEquals(List.of(), old.allowedPackages());
    }

    @Test
    void namesThatAreNotClassOrPackageNamesAreRejected() {
        ServiceConfig.Builder<Vault> builder = service();
        ReferenceConfig.Builder<Vault> reference = ReferenceConfig.builder(Vault.class);
        for (String bad : new String[] {"", " ", "a b", "[Ljava.lang.String;", "x..y", ".x", "x.", "a/b", "a\u0000b",
                "1abc", "x".repeat(5000), "a;b"}) {
            assertThrows(IllegalArgumentException.class, () -> builder.allowClass(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> reference.allowClass(bad), bad);
        }
        for (String bad : new String[] {"", ".", " ", "a b", "x..", "..x", "a\u0000b", "x".repeat(5000)}) {
            assertThrows(IllegalArgumentException.class, () -> builder.allowPackage(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> reference.allowPackage(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> builder.allowClass((String) null));
        assertThrows(NullPointerException.class, () -> builder.allowClass((String[]) null));
        assertThrows(IllegalArgumentException.class, () -> builder.allowPackage(null));
        assertThrows(IllegalArgumentException.class, () -> builder.payloadLimit(0));
        assertThrows(IllegalArgumentException.class, () -> builder.payloadLimit(-1));
        assertThrows(IllegalArgumentException.class, () -> reference.payloadLimit(0));
        // unicode identifiers and nested classes are names
        builder.allowClass("com.exämple.Ünïcode$Nested_1").allowPackage("com.exämple");
    }

    @Test
    void exportOptionsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new ExportOptions(List.of("hessian2"), "", 1, -5, List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ExportOptions(List.of("hessian2"), "", 1, 10, List.of(" "), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ExportOptions(List.of("hessian2"), "", 1, 10, List.of(), List.of("")));
        assertThrows(IllegalArgumentException.class, () -> new ExportOptions(List.of(), "", 1, 10, List.of(), List.of()));
        assertThrows(NullPointerException.class, () -> new ExportOptions(List.of("hessian2"), "", 1, 10,
                java.util.Arrays.asList("a", null), List.of()));
        assertEquals(List.of(), new ExportOptions(List.of("hessian2"), null, 1, 10, null, null).allowedClasses());
    }
}
