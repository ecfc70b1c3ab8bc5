package dev.ferry.core.serialization;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Invocation;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.CodecException;
import dev.ferry.api.spi.Request;
import dev.ferry.api.spi.Response;
import dev.ferry.core.codec.CodecOptions;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.provider.ServiceInvoker;
import dev.ferry.core.transport.PendingCalls;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.ferry.core.serialization.CodecRig.call;
import static dev.ferry.core.serialization.CodecRig.service;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-service and per-reference payload limits, in both directions, under the codec's own. */
class PayloadLimitTest {

    private static final CallOptions DEFAULTS = CallOptions.DEFAULT;

    @Test
    void aRequestOverItsServicesLimitIsRefusedWithStatus40BeforeItsArgumentsAreRead() throws Exception {
        CodecRig rig = new CodecRig(service().serializations(List.of("hessian2", "fastjson2")).payloadLimit(1024).build());
        for (String serialization : List.of("hessian2", "fastjson2")) {
            byte[] frame = rig.encode(Request.call(3, rig.id(serialization), true,
                    call("store", DEFAULTS, List.of("x".repeat(2000), new Vault.Gadget("calc")))));
            int created = Vault.Gadget.CREATED.get();
            CodecException e = assertThrows(CodecException.class, () -> rig.decodeRequest(frame));
            assertEquals(Code.BAD_REQUEST, e.code());
            assertEquals(3, e.requestId());
            assertTrue(e.twoWay());
            assertTrue(e.getMessage().contains("exceeds the payload limit of 1024 bytes of service " + Vault.class.getName()),
                    e.getMessage());
            assertEquals(created, Vault.Gadget.CREATED.get(), "refused before the arguments were read");
            assertEquals("small", rig.roundTrip(serialization, call("echo", DEFAULTS, "small")).value());
        }
    }

    @Test
    void severalGroupsOfOneInterfaceShareTheLargestLimit() throws Exception {
        CodecRig rig = new CodecRig(service().group("small").payloadLimit(1024).build());
        rig.provider.add(new ServiceInvoker(Vault.class, new ServiceKey(Vault.class.getName(), "large", "1.0"), new Vault.Impl()),
                service().group("large").build().exportOptions());
        Request request = rig.decodeRequest(rig.encode(Request.call(4, rig.id("hessian2"), true,
                call("echo", DEFAULTS, "x".repeat(2000)))));
        assertEquals("x".repeat(2000), request.invocation().arguments()[0]);
        assertEquals(8 * 1024 * 1024, request.invocation().options().get(CodecOptions.PAYLOAD_LIMIT));
    }

    @Test
    void aReplyOverItsServicesLimitBecomesAnErrorReplyNotSilence() throws Exception {
        CodecRig rig = new CodecRig(service().payloadLimit(4096).build());
        for (int size : new int[] {100_000, 10}) {
            long id = PendingCalls.nextId();
            Invocation call = call("blob", DEFAULTS, size);
            rig.expect(id, call);
            Request request = rig.decodeRequest(rig.encode(Request.call(id, rig.id("hessian2"), true, call)));
            assertEquals(4096, request.invocation().options().get(CodecOptions.PAYLOAD_LIMIT));
            Response reply = rig.decodeReply(rig.serve(request));
            if (size > 4096) {
                assertFalse(reply.isOk());
                assertEquals(Code.SERVER_ERROR.status(), reply.status());
                assertTrue(reply.errorMessage().contains("blob"), reply.errorMessage());
                assertTrue(reply.errorMessage().contains("exceeds the payload limit of 4096 bytes"), reply.errorMessage());
            } else {
                assertArrayEquals(new byte[10], (byte[]) reply.result().value());
            }
        }
    }

    @Test
    void aReferencesLimitHoldsItsRequestsAndItsReplies() throws Exception {
        CodecRig rig = new CodecRig(service().build());
        CallOptions small = ReferenceConfig.builder(Vault.class).payloadLimit(1024).build().callOptions();
        assertEquals(1024, small.get(CodecOptions.PAYLOAD_LIMIT));
        assertEquals(null, ReferenceConfig.builder(Vault.class).build().callOptions().get(CodecOptions.PAYLOAD_LIMIT),
                "unset, the protocol's limit applies");
        CodecException tooBig = assertThrows(CodecException.class,
                () -> rig.encode(Request.call(8, rig.id("hessian2"), true, call("echo", small, "x".repeat(2000)))));
        assertEquals(Code.CLIENT_ERROR, tooBig.code());
        assertTrue(tooBig.getMessage().contains("payload limit of 1024"), tooBig.getMessage());

        long id = PendingCalls.nextId();
        rig.expect(id, call("store", small, "x"));
        byte[] reply = rig.encode(Response.ok(id, rig.id("hessian2"), Result.value(List.of("y".repeat(2000), new Vault.Gadget("calc")))));
        int created = Vault.Gadget.CREATED.get();
        CodecException e = assertThrows(CodecException.class, () -> rig.decodeReply(reply));
        assertEquals(Code.BAD_RESPONSE, e.code());
        assertEquals(id, e.requestId());
        assertTrue(e.getMessage().contains("exceeds the payload limit of 1024 bytes"), e.getMessage());
        assertEquals(created, Vault.Gadget.CREATED.get(), "refused from the header, before the value was read");
    }

    @Test
    void aServiceWithoutALimitOfItsOwnFollowsTheProtocols() throws Exception {
        CodecRig raised = new CodecRig(100_000, service().build());
        CodecRig own = new CodecRig(100_000, service().payloadLimit(50_000).build());
        Invocation call = call("echo", DEFAULTS, "x".repeat(80_000));
        byte[] frame = raised.encode(Request.call(6, raised.id("hessian2"), true, call));
        assertEquals("x".repeat(80_000), raised.decodeRequest(frame).invocation().arguments()[0]);
        assertEquals(100_000, raised.decodeRequest(frame).invocation().options().get(CodecOptions.PAYLOAD_LIMIT));
        assertEquals(Code.BAD_REQUEST, assertThrows(CodecException.class, () -> own.decodeRequest(frame)).code());
    }

    @Test
    void theCodecsOwnLimitStillApplies() throws Exception {
        CodecRig rig = new CodecRig(2048, service().payloadLimit(1 << 20).build());
        CodecRig writer = new CodecRig(service().build());
        byte[] frame = writer.encode(Request.call(2, rig.id("hessian2"), true, call("echo", DEFAULTS, "x".repeat(4000))));
        CodecException e = assertThrows(CodecException.class, () -> rig.decodeRequest(frame));
        assertEquals(Code.BAD_REQUEST, e.code());
        assertTrue(e.getMessage().contains("payload limit"), e.getMessage());
        // a request decoded under it carries the lower of the two limits to its reply
        Request request = rig.decodeRequest(rig.encode(Request.call(2, rig.id("hessian2"), true, call("echo", DEFAULTS, "x"))));
        assertEquals(2048, request.invocation().options().get(CodecOptions.PAYLOAD_LIMIT));
    }
}
