package dev.ferry.core.codec;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.CodecException;
import dev.ferry.api.spi.ExportOptions;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.api.spi.ObjectOutput;
import dev.ferry.api.spi.Request;
import dev.ferry.api.spi.Response;
import dev.ferry.api.spi.Serialization;
import dev.ferry.core.TestServices.Greeter;
import dev.ferry.core.TestServices.GreeterImpl;
import dev.ferry.core.invocation.RpcInvocation;
import dev.ferry.core.provider.ExportedServices;
import dev.ferry.core.provider.ServiceInvoker;
import dev.ferry.core.transport.PendingCalls;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.Serializations;
import dev.ferry.serialization.hessian2.Hessian2Serialization;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The codec closes every input it opens, on every path, so a serialization may lend its readers
 * from one message to the next.
 */
class InputClosingTest {

    private static final AtomicInteger OPENED = new AtomicInteger();
    private static final AtomicInteger CLOSED = new AtomicInteger();
    private static final ServiceKey KEY = new ServiceKey(Greeter.class.getName(), "", "");

    private DubboCodec codec;
    private ExportedServices provider;
    private PendingCalls consumer;

    /** hessian2's bytes under another id, counting the inputs it opens and closes. */
    @Extension("counting")
    public static final class CountingSerialization implements Serialization {
        static final byte ID = 31;
        private final Hessian2Serialization hessian2 = new Hessian2Serialization();

        @Override
        public byte id() {
            return ID;
        }

        @Override
        public ObjectOutput serialize(OutputStream out) {
            return hessian2.serialize(out);
        }

        @Override
        public ObjectInput deserialize(InputStream in, ClassAllowlist allowlist) {
            ObjectInput delegate = hessian2.deserialize(in, allowlist);
            OPENED.incrementAndGet();
            return new ObjectInput() {
                private boolean closed;

                @Override
                public Object readObject() throws IOException {
                    return delegate.readObject();
                }

                @Override
                public Object readObject(Class<?> rawType, Type type) throws IOException {
                    return delegate.readObject(rawType, type);
                }

                @Override
                public String readUTF() throws IOException {
                    return delegate.readUTF();
                }

                @Override
                public byte readByte() throws IOException {
                    return delegate.readByte();
                }

                @Override
                public int readInt() throws IOException {
                    return delegate.readInt();
                }

                @Override
                public boolean useAllowlist(ClassAllowlist allowlist) {
                    return delegate.useAllowlist(allowlist);
                }

                @Override
                public void close() {
                    if (!closed) {
                        closed = true;
                        CLOSED.incrementAndGet();
                        delegate.close();
                    }
                }
            };
        }
    }

    @BeforeEach
    void setUp(@TempDir Path dir) throws IOException {
        Path services = dir.resolve("META-INF/services/" + Serialization.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, CountingSerialization.class.getName() + "\n");
        Serializations serializations = Serializations.load(
                new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader()));
        codec = new DubboCodec(serializations, 64 * 1024);
        provider = new ExportedServices(serializations);
        provider.add(new ServiceInvoker(Greeter.class, KEY, new GreeterImpl()),
                new ExportOptions(List.of("hessian2", "counting"), "", 0));
        consumer = new PendingCalls(name -> DefaultClassAllowlist.builder().allowTypesOf(Greeter.class).build());
        OPENED.set(0);
        CLOSED.set(0);
    }

    private static RpcInvocation hello(String name) {
        return new RpcInvocation(KEY, "hello", new Class<?>[] {String.class}, new Object[] {name}, String.class,
                new HashMap<>(), CallOptions.DEFAULT);
    }

    private void assertAllClosed(String what) {
        assertEquals(OPENED.get(), CLOSED.get(), what + ": every input opened is closed");
    }

    @Test
    void everyDecodePathClosesWhatItOpens() throws IOException {
        byte[] request = codec.encode(Request.call(1, CountingSerialization.ID, true, hello("a")));
        assertInstanceOf(Request.class, codec.decode(new ByteArrayInputStream(request), provider));
        assertAllClosed("a request");

        codec.decode(new ByteArrayInputStream(codec.encode(Request.heartbeat(2, CountingSerialization.ID))), provider);
        assertAllClosed("a heartbeat");

        consumer.register(3, hello("b"), null);
        byte[] ok = codec.encode(Response.ok(3, CountingSerialization.ID, Result.value("hello b")));
        assertEquals("hello b", ((Response) codec.decode(new ByteArrayInputStream(ok), consumer)).result().value());
        assertAllClosed("a reply");

        byte[] error = codec.encode(Response.error(4, CountingSerialization.ID, Code.SERVER_ERROR, "no"));
        codec.decode(new ByteArrayInputStream(error), consumer);
        assertAllClosed("an error reply");
        assertEquals(4, OPENED.get(), "one input per message");
    }

    @Test
    void failedDecodesCloseWhatTheyOpened() throws IOException {
        byte[] request = codec.encode(Request.call(1, CountingSerialization.ID, true, hello("a")));
        for (int cut = 20; cut < request.length; cut += 3) {
            byte[] truncated = Arrays.copyOf(request, cut);
            DubboCodec.putInt(truncated, FrameHeader.LENGTH_OFFSET, cut - FrameHeader.LENGTH);
            assertThrows(CodecException.class, () -> codec.decode(new ByteArrayInputStream(truncated), provider));
        }
        byte[] unknownMethod = codec.encode(Request.call(2, CountingSerialization.ID, true, new RpcInvocation(KEY, "nope",
                new Class<?>[0], new Object[0], String.class, new HashMap<>(), CallOptions.DEFAULT)));
        assertThrows(CodecException.class, () -> codec.decode(new ByteArrayInputStream(unknownMethod), provider));

        consumer.register(3, hello("b"), null);
        byte[] reply = codec.encode(Response.ok(3, CountingSerialization.ID, Result.value(new Object[] {"not", "a string"})));
        assertThrows(CodecException.class, () -> codec.decode(new ByteArrayInputStream(reply), consumer));
        assertAllClosed("failed decodes");
    }
}
