package dev.ferry.core.serialization;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Invocation;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.spi.CodecException;
import dev.ferry.api.spi.Request;
import dev.ferry.api.spi.Response;
import dev.ferry.core.transport.PendingCalls;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

import static dev.ferry.core.serialization.CodecRig.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request names its serialization in the frame header, so an attacker picks the
 * deserializer: CVE-2021-25641 sent Kryo or native Java bodies to services that never used them.
 * A service decodes only the serializations it accepts, and Java native serialization only when
 * it names it.
 */
class SerializationSelectionTest {

    private static final CallOptions DEFAULTS = CallOptions.DEFAULT;

    @Test
    void aRequestInASerializationTheServiceDoesNotAcceptIsRefusedBeforeItsArgumentsAreRead() throws Exception {
        CodecRig rig = CodecRig.accepting("hessian2");
        for (String serialization : List.of("fastjson2", "java", "protobuf")) {
            // protobuf cannot write a Gadget at all; its refusal is shown with a string
            Invocation call = serialization.equals("protobuf") ? call("echo", DEFAULTS, "x")
                    : call("store", DEFAULTS, new Vault.Gadget("calc"));
            byte[] frame = rig.encode(Request.call(41, rig.id(serialization), true, call));
            int created = Vault.Gadget.CREATED.get();
            CodecException e = assertThrows(CodecException.class, () -> rig.decodeRequest(frame));
            assertEquals(Code.BAD_REQUEST, e.code(), serialization);
            assertEquals(41, e.requestId());
            assertTrue(e.twoWay());
            assertTrue(e.getMessage().contains("does not accept serialization id " + rig.id(serialization)), e.getMessage());
            assertEquals(created, Vault.Gadget.CREATED.get(), "nothing was instantiated from the " + serialization + " body");
        }
        // positive control: the serialization it accepts
        assertEquals("x", rig.roundTrip("hessian2", call("echo", DEFAULTS, "x")).value());
    }

    @Test
    void everyIdIsEitherAcceptedRefusedOrUnknown() throws Exception {
        CodecRig rig = CodecRig.accepting("hessian2", "fastjson2");
        byte[] hessian = rig.encode(Request.call(7, rig.id("hessian2"), true, call("echo", DEFAULTS, "x")));
        for (int id = 0; id < 32; id++) {
            String name = rig.serializations.nameOf((byte) id);
            if (name == null) {
                byte[] frame = hessian.clone();
                frame[2] = (byte) (0x80 | 0x40 | id);
                CodecException e = assertThrows(CodecException.class, () -> rig.decodeRequest(frame));
                assertTrue(e.getMessage().contains("unknown or disabled serialization id " + id), e.getMessage());
            } else if (name.equals("hessian2") || name.equals("fastjson2")) {
                Request request = rig.decodeRequest(rig.encode(Request.call(7, (byte) id, true, call("echo", DEFAULTS, "x"))));
                assertEquals("x", request.invocation().arguments()[0]);
            } else {
                byte[] frame = rig.encode(Request.call(7, (byte) id, true, call("echo", DEFAULTS, "x")));
                assertEquals(Code.BAD_REQUEST, assertThrows(CodecException.class, () -> rig.decodeRequest(frame)).code());
            }
        }
    }

    @Test
    void javaIsRefusedUnlessTheServiceNamesIt() throws Exception {
        CodecRig off = CodecRig.accepting("hessian2", "fastjson2", "protobuf");
        byte[] frame = off.encode(Request.call(9, off.id("java"), true, call("echo", DEFAULTS, "x")));
        CodecException refused = assertThrows(CodecException.class, () -> off.decodeRequest(frame));
        assertTrue(refused.getMessage().contains("does not accept serialization id 3"), refused.getMessage());

        CodecRig on = CodecRig.accepting("hessian2", "java");
        assertEquals("x", on.roundTrip("java", call("echo", DEFAULTS, "x")).value());
        Vault.Entry entry = new Vault.Entry("e1", new BigDecimal("9.50"), LocalDate.of(2024, 1, 2),
                List.of(new Vault.Line("sku", 2)));
        assertEquals(entry, on.roundTrip("java", call("put", DEFAULTS, entry)).value());
        // switched on, it still decodes only allowed classes
        byte[] gadget = on.encode(Request.call(10, on.id("java"), true, call("store", DEFAULTS, new Vault.Gadget("calc"))));
        int created = Vault.Gadget.CREATED.get();
        CodecException e = assertThrows(CodecException.class, () -> on.decodeRequest(gadget));
        assertEquals(Code.BAD_REQUEST, e.code());
        assertTrue(e.getMessage().contains(Vault.Gadget.class.getName()), e.getMessage());
        assertEquals(created, Vault.Gadget.CREATED.get());
    }

    @Test
    void aReplyInJavaIsRefusedUnlessTheCallWasSentInIt() throws Exception {
        CodecRig rig = CodecRig.accepting("hessian2");
        long id = PendingCalls.nextId();
        rig.expect(id, call("echo", DEFAULTS, "x"));
        byte[] reply = rig.encode(Response.ok(id, rig.id("java"), Result.value("from a java reply")));
        CodecException e = assertThrows(CodecException.class, () -> rig.decodeReply(reply));
        assertEquals(Code.BAD_RESPONSE, e.code());
        assertTrue(e.getMessage().contains("Java native serialization"), e.getMessage());

        long javaId = PendingCalls.nextId();
        rig.expect(javaId, call("echo", DEFAULTS.with(CallOptions.SERIALIZATION, "java"), "x"));
        Response accepted = rig.decodeReply(rig.encode(Response.ok(javaId, rig.id("java"), Result.value("ok"))));
        assertEquals("ok", accepted.result().value());
        // replies in other serializations than the call's are read as before (a Dubbo provider may answer so)
        long other = PendingCalls.nextId();
        rig.expect(other, call("echo", DEFAULTS, "x"));
        Response fastjson = rig.decodeReply(rig.encode(Response.ok(other, rig.id("fastjson2"), Result.value("json"))));
        assertInstanceOf(String.class, fastjson.result().value());
    }
}
