package dev.ferry.core.serialization;

import com.google.protobuf.StringValue;
import dev.ferry.api.CallOptions;
import dev.ferry.api.Result;
import dev.ferry.api.spi.Request;
import dev.ferry.api.spi.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.ferry.core.serialization.CodecRig.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whole calls through the codec, in every serialization a service can accept. */
class EverySerializationRoundTripTest {

    private static final CallOptions DEFAULTS = CallOptions.DEFAULT;
    private static final CodecRig RIG = CodecRig.accepting("hessian2", "fastjson2", "protobuf", "java");

    private static Vault.Entry entry(String id) {
        return new Vault.Entry(id, new BigDecimal("1234.50"), LocalDate.of(2024, 2, 29),
                new ArrayList<>(List.of(new Vault.Line("sku-1", 2), new Vault.Line("sku-2", -1))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hessian2", "fastjson2", "java"})
    void valuesRecordsNestedGenericsAndNulls(String serialization) throws Exception {
        assertEquals("héllo 😀", RIG.roundTrip(serialization, call("echo", DEFAULTS, "héllo 😀")).value());
        assertEquals(entry("e1"), RIG.roundTrip(serialization, call("put", DEFAULTS, entry("e1"))).value());
        assertEquals(Map.of("all", List.of(entry("a"), entry("b"))),
                RIG.roundTrip(serialization, call("index", DEFAULTS, List.of(entry("a"), entry("b")))).value());
        assertNull(RIG.roundTrip(serialization, call("store", DEFAULTS, (Object) null)).value());
        assertNull(RIG.roundTrip(serialization, call("echo", DEFAULTS, (Object) null)).value());
        assertEquals(Arrays.asList("a", null), RIG.roundTrip(serialization, call("store", DEFAULTS,
                new ArrayList<>(Arrays.asList("a", null)))).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hessian2", "fastjson2", "java"})
    void theServicesExceptionArrivesAsItsOwnClassWithMessageAndCause(String serialization) throws Exception {
        Result result = RIG.roundTrip(serialization, call("put", DEFAULTS, entry("")));
        Vault.VaultException e = assertInstanceOf(Vault.VaultException.class, result.exception());
        assertEquals("empty id", e.getMessage());
        assertEquals("id", assertInstanceOf(IllegalArgumentException.class, e.getCause()).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hessian2", "fastjson2", "protobuf", "java"})
    void attachmentsAndHeartbeatsTravel(String serialization) throws Exception {
        dev.ferry.api.Invocation call = call("echo", DEFAULTS, "x");
        call.attachments().put("trace", "t-1");
        byte[] frame = RIG.encode(Request.call(12, RIG.id(serialization), true, call));
        Request request = RIG.decodeRequest(frame);
        assertEquals("t-1", request.invocation().attachments().get("trace"));
        Request heartbeat = RIG.decodeRequest(RIG.encode(Request.heartbeat(13, RIG.id(serialization))));
        assertTrue(heartbeat.event());
        assertNull(heartbeat.eventData());
        Response beat = RIG.decodeReply(RIG.encode(Response.event(13, RIG.id(serialization))));
        assertTrue(beat.event());
        Response error = RIG.decodeReply(RIG.encode(Response.error(14, RIG.id(serialization),
                dev.ferry.api.RpcException.Code.SERVICE_ERROR, "went wrong")));
        assertEquals("went wrong", error.errorMessage());
    }

    @Test
    void protobufMessagesAndExceptions() throws Exception {
        assertEquals(StringValue.of("hello ada"), RIG.roundTrip("protobuf", call("name", DEFAULTS, StringValue.of("ada"))).value());
        Result failed = RIG.roundTrip("protobuf", call("name", DEFAULTS, StringValue.of("")));
        // VaultException has a (String, Throwable) constructor and is the method's declared exception: recreated
        assertEquals("no name", assertInstanceOf(Vault.VaultException.class, failed.exception()).getMessage());
        assertEquals("x", RIG.roundTrip("protobuf", call("echo", DEFAULTS, "x")).value());
    }
}
