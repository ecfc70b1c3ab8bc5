package dev.ferry.protocol.dubbo;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Exporter;
import dev.ferry.api.spi.Request;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.codec.DubboCodec;
import dev.ferry.core.codec.FrameHeader;
import dev.ferry.core.invocation.RpcInvocation;
import dev.ferry.serialization.Serializations;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exchange around the calls: shutdown notice, connection count, failing fast, provider-side timeout, echo. */
@Timeout(30)
class DubboExchangeTest {

    private static final ServiceKey GREETER = ServiceKey.of(Greeter.class);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stop() {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception ignored) {
                // keep closing the rest
            }
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        toClose.add(c);
        return c;
    }

    private static RpcInvocation call(String method, Class<?>[] types, Object[] args, Duration timeout) {
        return new RpcInvocation(GREETER, method, types, args, Object.class, null,
                CallOptions.DEFAULT.with(CallOptions.TIMEOUT, timeout));
    }

    @Test
    void closingProviderTellsConsumersFirstThenWaitsForCallsInFlight() throws Exception {
        GreeterImpl impl = new GreeterImpl();
        FerryBootstrap provider = FerryBootstrap.builder().protocol(new DubboProtocol(DubboProtocolTest.loopback()
                .shutdownTimeout(Duration.ofSeconds(10)).build())).build();
        toClose.add(() -> {
            impl.release.countDown();
            provider.close();
        });
        Exporter e = provider.export(impl).get(0);
        DubboProtocol client = closing(new DubboProtocol(DubboProtocolTest.loopback().build()));
        Invoker invoker = client.refer(Greeter.class, GREETER, e.endpoint());
        CompletableFuture<Result> held = invoker.invoke(call("hold", new Class<?>[0], new Object[0], Duration.ofSeconds(10)));
        assertTrue(impl.entered.await(5, TimeUnit.SECONDS));
        assertTrue(invoker.isAvailable());

        CompletableFuture<Void> closing = CompletableFuture.runAsync(provider::close);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (invoker.isAvailable() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(invoker.isAvailable(), "the read-only notice made the invoker unavailable");
        assertFalse(held.isDone(), "the call in flight is still running");
        assertFalse(closing.isDone(), "close waits for it");

        impl.release.countDown();
        assertEquals("held", held.get(5, TimeUnit.SECONDS).value());
        closing.get(10, TimeUnit.SECONDS);
    }

    @Test
    void configuredConnectionsAreOpenedAndShared() throws Exception {
        DubboProtocol server = closing(new DubboProtocol(DubboProtocolTest.loopback().build()));
        FerryBootstrap provider = closing(FerryBootstrap.builder().protocol(server).build());
        Exporter e = provider.export(new GreeterImpl()).get(0);
        DubboProtocol client = closing(new DubboProtocol(DubboProtocolTest.loopback().connections(3).build()));
        Invoker a = client.refer(Greeter.class, GREETER, e.endpoint());
        Invoker b = client.refer(Greeter.class, GREETER, e.endpoint());
        for (int i = 0; i < 12; i++) {
            Invoker inv = i % 2 == 0 ? a : b;
            assertEquals(null, inv.invoke(call("nothing", new Class<?>[0], new Object[0], Duration.ofSeconds(5)))
                    .get(5, TimeUnit.SECONDS).value());
        }
        assertEquals(3, server.serverConnections(), "three connections, shared by both invokers");

        DubboProtocol single = closing(new DubboProtocol(DubboProtocolTest.loopback().build()));
        Invoker c = single.refer(Greeter.class, GREETER, e.endpoint());
        for (int i = 0; i < 5; i++) {
            c.invoke(call("nothing", new Class<?>[0], new Object[0], Duration.ofSeconds(5))).get(5, TimeUnit.SECONDS);
        }
        assertEquals(4, server.serverConnections(), "one more by default");
    }

    @Test
    void callsInFlightFailAtOnceWhenTheConnectionDies() throws Exception {
        GreeterImpl impl = new GreeterImpl();
        FerryBootstrap provider = FerryBootstrap.builder().protocol(new DubboProtocol(DubboProtocolTest.loopback()
                .shutdownTimeout(Duration.ZERO).build())).build();
        toClose.add(() -> {
            impl.release.countDown();
            provider.close();
        });
        Exporter e = provider.export(impl).get(0);
        DubboProtocol client = closing(new DubboProtocol(DubboProtocolTest.loopback().build()));
        Invoker invoker = client.refer(Greeter.class, GREETER, e.endpoint());
        // A 60 s timeout: the call can only end early because its connection died.
        CompletableFuture<Result> held = invoker.invoke(call("hold", new Class<?>[0], new Object[0], Duration.ofSeconds(60)));
        assertTrue(impl.entered.await(5, TimeUnit.SECONDS));
        provider.close();
        ExecutionException ex = assertThrows(ExecutionException.class, () -> held.get(10, TimeUnit.SECONDS));
        RpcException cause = assertInstanceOf(RpcException.class, ex.getCause());
        assertEquals(RpcException.Code.CHANNEL_INACTIVE, cause.code());
        DubboProtocolTest.assertMentions(cause, "hold", e.endpoint().address());
    }

    @Test
    void requestThatWaitedInTheQueuePastItsTimeoutIsAnsweredWithServerTimeout() throws Exception {
        GreeterImpl impl = new GreeterImpl();
        FerryBootstrap provider = FerryBootstrap.builder().protocol(new DubboProtocol(DubboProtocolTest.loopback()
                .businessThreads(1).businessQueue(1).build())).build();
        toClose.add(() -> {
            impl.release.countDown();
            provider.close();
        });
        Exporter e = provider.export(impl).get(0);
        DubboCodec codec = new DubboCodec(Serializations.load(), DubboCodec.DEFAULT_PAYLOAD_LIMIT);
        try (Socket s = new Socket("127.0.0.1", e.endpoint().port())) {
            s.setSoTimeout(10_000);
            // A raw socket has no timer of its own, so the provider's answer is what comes back.
            write(s, codec, Request.call(1, (byte) 2, true, call("hold", new Class<?>[0], new Object[0], Duration.ofSeconds(10))));
            assertTrue(impl.entered.await(5, TimeUnit.SECONDS), "the only business thread is taken");
            write(s, codec, Request.call(2, (byte) 2, true, call("nothing", new Class<?>[0], new Object[0], Duration.ofMillis(100))));
            Thread.sleep(300);
            impl.release.countDown();
            byte[][] answers = {readHeader(s.getInputStream()), readHeader(s.getInputStream())};
            for (byte[] h : answers) {
                long id = ByteBuffer.wrap(h, 4, 8).getLong();
                byte expected = id == 1 ? (byte) 20 : RpcException.Code.SERVER_TIMEOUT.status();
                assertEquals(expected, h[3], "status of request " + id);
            }
        }
    }

    @Test
    void echoOnAServiceThatIsNotExportedIsServiceNotFound() throws Exception {
        FerryBootstrap provider = closing(FerryBootstrap.builder().protocol(new DubboProtocol(DubboProtocolTest.loopback()
                .build())).build());
        Exporter e = provider.export(new GreeterImpl()).get(0);
        DubboProtocol client = closing(new DubboProtocol(DubboProtocolTest.loopback().build()));
        Invoker greeter = client.refer(Greeter.class, GREETER, e.endpoint());
        Object[] arg = {"ping"};
        assertEquals("ping", greeter.invoke(call("$echo", new Class<?>[]{Object.class}, arg, Duration.ofSeconds(5)))
                .get(5, TimeUnit.SECONDS).value());

        ServiceKey other = ServiceKey.of(NotExported.class);
        Invoker missing = client.refer(NotExported.class, other, e.endpoint());
        CompletableFuture<Result> f = missing.invoke(new RpcInvocation(other, "$echo", new Class<?>[]{Object.class}, arg,
                Object.class, null, CallOptions.DEFAULT));
        ExecutionException ex = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertEquals(RpcException.Code.SERVICE_NOT_FOUND, assertInstanceOf(RpcException.class, ex.getCause()).code());
    }

    @Test
    void unreachableAddressIsRetriedInTheBackgroundUntilItAnswers() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        DubboProtocol client = closing(new DubboProtocol(DubboProtocolTest.loopback()
                .reconnectInterval(Duration.ofMillis(20)).maxReconnectInterval(Duration.ofMillis(200)).build()));
        Invoker invoker = client.refer(Greeter.class, GREETER, new Endpoint("dubbo", "127.0.0.1", port));
        assertThrows(ExecutionException.class, () -> invoker.invoke(call("nothing", new Class<?>[0], new Object[0],
                Duration.ofSeconds(2))).get(5, TimeUnit.SECONDS));
        assertFalse(invoker.isAvailable());

        FerryBootstrap provider = closing(FerryBootstrap.builder().protocol(new DubboProtocol(DubboProtocolTest.loopback()
                .port(port).build())).build());
        provider.export(new GreeterImpl());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!invoker.isAvailable() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(invoker.isAvailable(), "a background attempt restored the connection without any call");
    }

    private static void write(Socket s, DubboCodec codec, Request r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.encode(r, out);
        s.getOutputStream().write(out.toByteArray());
        s.getOutputStream().flush();
    }

    /** The next frame's header; its body is read and dropped. */
    private static byte[] readHeader(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] h = new byte[FrameHeader.LENGTH];
        data.readFully(h);
        data.readFully(new byte[ByteBuffer.wrap(h, FrameHeader.LENGTH_OFFSET, 4).getInt()]);
        return h;
    }
}
