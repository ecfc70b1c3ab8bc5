package dev.ferry.protocol.dubbo;

import dev.ferry.api.Invocation;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Codec;
import dev.ferry.core.codec.DubboCodec;
import dev.ferry.core.codec.FrameHeader;
import dev.ferry.api.spi.CodecException;
import dev.ferry.api.spi.Message;
import dev.ferry.api.spi.Request;
import dev.ferry.api.spi.Response;
import dev.ferry.core.generic.GenericDispatch;
import dev.ferry.core.invocation.RpcInvocation;
import dev.ferry.core.provider.ExportedServices;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The provider side of one {@link DubboProtocol}: a Netty server that splits frames, decodes
 * them on the I/O thread and runs calls on a bounded business pool.
 *
 * <p>Every two-way request gets an answer: a decoded call its result, a frame that does not
 * decode (but names its id) status 40 or the codec's code, a request for an unknown service
 * or method status 60 (its arguments never decoded), a request the full pool cannot take
 * status 100, a request that waited in the pool's queue past its own timeout status 31, a
 * response that cannot be encoded status 80 or the codec's code. Only frames whose header is
 * unreadable close the connection.
 *
 * <p>Besides the exported methods, every service answers Dubbo's {@code $echo} with its
 * argument and Dubbo's generic {@code $invoke} ({@link GenericDispatch}).
 *
 * <p>Closing is graceful: the server stops accepting, tells every connected consumer with
 * Dubbo's read-only event so they send elsewhere, waits for calls in flight, then closes.
 */
final class DubboServer {

    private static final Logger log = LoggerFactory.getLogger(DubboServer.class);
    private static final AttributeKey<WriteQueue> WRITES = AttributeKey.valueOf("ferry.dubbo.writes");
    // Dubbo consumers send this service version when none is configured; it means "no version".
    private static final String NO_VERSION = "0.0.0";

    private final DubboProtocolConfig config;
    private final DubboCodec codec;
    private final ExportedServices services;
    private final ProviderContext context;
    private final GenericDispatch generic;
    private final byte fallbackSerializationId;
    private final ThreadPoolExecutor business;
    private final ChannelGroup connections = new DefaultChannelGroup("ferry-dubbo-server", GlobalEventExecutor.INSTANCE);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong eventIds = new AtomicLong();
    private final ServerHandler handler = new ServerHandler();
    private Channel serverChannel;
    private String address;

    DubboServer(DubboProtocolConfig config, DubboCodec codec, ExportedServices services, byte fallbackSerializationId) {
        this.config = config;
        this.codec = codec;
        this.services = services;
        this.context = new ProviderContext(services);
        this.generic = new GenericDispatch(services);
        this.fallbackSerializationId = fallbackSerializationId;
        int threads = config.businessThreads();
        BlockingQueue<Runnable> queue = config.businessQueue() == 0
                ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(config.businessQueue());
        this.business = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, queue,
                DubboProtocol.daemonThreads("ferry-dubbo-business"), new ThreadPoolExecutor.AbortPolicy());
        // Threads appear on demand and leave when idle: an idle provider holds none.
        business.allowCoreThreadTimeOut(true);
    }

    /**
     * Binds the configured address.
     *
     * @throws IllegalStateException naming the address when it cannot be bound
     */
    void start(EventLoopGroup boss, EventLoopGroup workers) {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        long idle = config.heartbeatInterval().toMillis() * 3;
                        ch.pipeline().addLast("idle", new IdleStateHandler(idle, 0, 0, TimeUnit.MILLISECONDS))
                                .addLast("frames", new FrameDecoder(config.payloadLimit()))
                                .addLast("handler", handler);
                    }
                });
        String bind = config.host() + ":" + config.port();
        try {
            serverChannel = b.bind(config.host(), config.port()).syncUninterruptibly().channel();
        } catch (Exception e) {
            business.shutdownNow();
            throw new IllegalStateException("dubbo server cannot bind " + bind + ": " + e, e);
        }
        address = config.advertisedHost() + ":" + port();
        log.info("dubbo server listening on {}", serverChannel.localAddress());
    }

    /** The port actually bound. */
    int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /**
     * Stops accepting, tells connected consumers this provider is going (Dubbo's read-only
     * event), lets calls in flight finish for up to {@code grace}, then closes every connection
     * and stops the business pool.
     */
    void close(Duration grace) {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly(grace.toMillis() + 1000);
        }
        sendReadOnly();
        long deadline = System.nanoTime() + grace.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight.get() > 0) {
            log.warn("dubbo server on {} closing with {} call(s) still running", address, inFlight.get());
        }
        connections.close().awaitUninterruptibly(1000);
        business.shutdownNow();
        try {
            business.awaitTermination(500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Connected consumers. */
    int connectionCount() {
        return connections.size();
    }

    private void sendReadOnly() {
        for (Channel ch : connections) {
            if (!ch.isActive()) {
                continue;
            }
            Request notice = new Request(eventIds.incrementAndGet(), fallbackSerializationId, false, true, null,
                    DubboClient.READONLY_EVENT);
            try {
                ch.writeAndFlush(Frames.encode(codec, notice, ch.alloc()));
            } catch (IOException | RuntimeException e) {
                log.debug("cannot tell {} that this provider is shutting down: {}", ch.remoteAddress(), e.toString());
            }
        }
    }

    // ------------------------------------------------------------------ request handling

    private void onFrame(Channel ch, ByteBuf frame) {
        byte serializationId = Frames.serializationId(frame);
        int flag = frame.getByte(frame.readerIndex() + 2);
        boolean call = (flag & FrameHeader.FLAG_REQUEST) != 0 && (flag & FrameHeader.FLAG_EVENT) == 0;
        if (!call) {
            // Events and stray responses are tiny: handled here, on the I/O thread.
            decodeAndHandle(ch, frame, serializationId, 0L, false);
            return;
        }
        // A call's body (its arguments) is decoded on the business thread, as Dubbo does by
        // default: one connection's I/O thread would otherwise decode every argument of every
        // caller alone.
        long id = frame.getLong(frame.readerIndex() + 4);
        boolean twoWay = (flag & FrameHeader.FLAG_TWO_WAY) != 0;
        inFlight.incrementAndGet();
        long arrived = System.nanoTime();
        try {
            business.execute(() -> decodeAndHandle(ch, frame, serializationId, arrived, true));
        } catch (RejectedExecutionException e) {
            frame.release();
            inFlight.decrementAndGet();
            log.warn("business pool exhausted on {} ({} threads, queue {}): refusing request {}", address,
                    config.businessThreads(), config.businessQueue(), id);
            if (twoWay) {
                send(ch, Response.error(id, serializationId, Code.THREADPOOL_EXHAUSTED, "provider at " + address
                        + " refused request " + id + ": its business pool (" + config.businessThreads()
                        + " threads, queue " + config.businessQueue() + ") is exhausted"), null);
            }
        }
    }

    /** Decodes a frame (releasing it) and acts on it; {@code counted} calls hold one in-flight count. */
    private void decodeAndHandle(Channel ch, ByteBuf frame, byte serializationId, long arrived, boolean counted) {
        Message message;
        try {
            message = Frames.decode(codec, frame, context);
        } catch (CodecException e) {
            uncount(counted);
            onBadFrame(ch, e, serializationId);
            return;
        } catch (IOException | RuntimeException e) {
            uncount(counted);
            log.warn("closing {}: frame does not decode: {}", ch, e.toString());
            ch.close();
            return;
        }
        if (!(message instanceof Request request)) {
            uncount(counted);
            // This server sends no requests, so a response here answers nothing.
            log.debug("ignoring response {} received by the server from {}", message.id(), ch.remoteAddress());
            return;
        }
        if (request.event()) {
            uncount(counted);
            if (request.twoWay()) {
                send(ch, Response.event(request.id(), request.serializationId()), null);
            }
            return;
        }
        if (!counted) {
            inFlight.incrementAndGet();
        }
        run(ch, request, counted ? arrived : System.nanoTime());
    }

    private void uncount(boolean counted) {
        if (counted) {
            inFlight.decrementAndGet();
        }
    }

    private void run(Channel ch, Request received, long arrived) {
        Request request = withoutPlaceholderVersion(received);
        CompletableFuture<Response> f;
        try {
            f = dispatch(request, arrived);
        } catch (RuntimeException | Error e) {
            f = CompletableFuture.completedFuture(Response.error(request.id(), request.serializationId(),
                    Code.SERVER_ERROR, "provider failed on " + RpcInvocation.describe(request.invocation()) + ": " + e));
        }
        f.whenComplete((response, error) -> {
            try {
                if (!request.twoWay()) {
                    return;
                }
                Response r = response != null ? response : Response.error(request.id(), request.serializationId(),
                        Code.SERVER_ERROR, "provider failed on " + RpcInvocation.describe(request.invocation()) + ": " + error);
                send(ch, r, request.invocation());
            } finally {
                inFlight.decrementAndGet();
            }
        });
    }

    private CompletableFuture<Response> dispatch(Request request, long arrived) {
        Invocation inv = request.invocation();
        long waited = System.nanoTime() - arrived;
        long timeout = inv.options().timeout().toNanos();
        if (waited > timeout) {
            // Its caller has given up already: running it would only take a thread from live calls.
            return CompletableFuture.completedFuture(Response.error(request.id(), request.serializationId(),
                    Code.SERVER_TIMEOUT, "provider at " + address + " dropped " + RpcInvocation.describe(inv)
                            + ": it waited " + TimeUnit.NANOSECONDS.toMillis(waited) + " ms for a business thread, past its "
                            + TimeUnit.NANOSECONDS.toMillis(timeout) + " ms timeout"));
        }
        if (ProviderContext.isEcho(inv)) {
            return CompletableFuture.completedFuture(Response.ok(request.id(), request.serializationId(),
                    Result.value(inv.arguments()[0])));
        }
        if (GenericDispatch.isGeneric(inv)) {
            return generic.dispatch(request);
        }
        return services.dispatch(request);
    }

    private static Request withoutPlaceholderVersion(Request request) {
        Invocation inv = request.invocation();
        ServiceKey key = inv.serviceKey();
        if (!NO_VERSION.equals(key.version())) {
            return request;
        }
        return Request.call(request.id(), request.serializationId(), request.twoWay(), new RpcInvocation(
                new ServiceKey(key.interfaceName(), key.group(), ""), inv.methodName(), inv.parameterTypes(),
                inv.arguments(), inv.returnType(), inv.attachments(), inv.options()));
    }

    private void onBadFrame(Channel ch, CodecException e, byte serializationId) {
        if (e.requestId() == CodecException.UNKNOWN_ID) {
            log.warn("closing {}: {}", ch, e.getMessage());
            ch.close();
        } else if (e.fromRequest() && e.twoWay()) {
            log.debug("refusing request {} from {}: {}", e.requestId(), ch.remoteAddress(), e.getMessage());
            send(ch, Response.error(e.requestId(), serializationId, e.code(), e.getMessage()), null);
        } else {
            log.warn("dropping {} frame {} from {}: {}", e.fromRequest() ? "oneway request" : "response",
                    e.requestId(), ch.remoteAddress(), e.getMessage());
        }
    }

    private void onOversized(Channel ch, FrameDecoder.OversizedFrame f) {
        if (f.twoWay() && !f.event()) {
            send(ch, Response.error(f.id(), f.serializationId(), Code.BAD_REQUEST, "request " + f.id() + " refused: "
                    + f.describe()), null);
        } else {
            log.warn("dropping frame {} from {}: {}", f.id(), ch.remoteAddress(), f.describe());
        }
    }

    /**
     * Encodes and writes a response. A response that cannot be encoded (too large, an
     * unserializable value) is replaced by an error response, so the caller always hears back.
     */
    private void send(Channel ch, Response response, Invocation inv) {
        ByteBuf buf;
        try {
            buf = inv != null ? Frames.encodeReply(codec, response, inv, ch.alloc()) : Frames.encode(codec, response, ch.alloc());
        } catch (IOException | RuntimeException | StackOverflowError e) {
            Code code;
            String message;
            if (response.isOk()) {
                code = e instanceof CodecException ce ? ce.code() : Code.SERVER_ERROR;
                String call = inv != null ? RpcInvocation.describe(inv) : "request " + response.id();
                message = "provider at " + address + " cannot encode the response to " + call + ": " + e.getMessage();
                log.warn("cannot encode the response to {} for {}: {}", call, ch.remoteAddress(), e.toString());
            } else {
                // An error answer that fails to encode keeps its status and message.
                code = Code.ofStatus(response.status());
                message = response.errorMessage();
            }
            buf = encodeError(ch, response.id(), response.serializationId(), code, message);
            if (buf == null) {
                ch.close();
                return;
            }
        }
        ChannelFutureListener onWritten = w -> {
            if (!w.isSuccess()) {
                log.debug("could not write response {} to {}: {}", response.id(), ch.remoteAddress(), String.valueOf(w.cause()));
            }
        };
        WriteQueue writes = ch.attr(WRITES).get();
        if (writes == null || ch.eventLoop().inEventLoop()) {
            ch.writeAndFlush(buf).addListener(onWritten);
        } else {
            writes.write(buf, null);
        }
    }

    private ByteBuf encodeError(Channel ch, long id, byte serializationId, Code code, String message) {
        try {
            return Frames.encode(codec, Response.error(id, serializationId, code, message), ch.alloc());
        } catch (IOException | RuntimeException first) {
            // The peer's serialization may be unknown here; an answer in ours beats no answer.
            try {
                return Frames.encode(codec, Response.error(id, fallbackSerializationId, code, message), ch.alloc());
            } catch (IOException | RuntimeException e) {
                log.error("cannot encode even an error response {}: {}", id, e.toString());
                return null;
            }
        }
    }

    @ChannelHandler.Sharable
    private final class ServerHandler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.channel().attr(WRITES).set(new WriteQueue(ctx.channel()));
            connections.add(ctx.channel());
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf frame) {
                onFrame(ctx.channel(), frame);
            } else if (msg instanceof FrameDecoder.OversizedFrame f) {
                onOversized(ctx.channel(), f);
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent e && e.state() == IdleState.READER_IDLE) {
                // Clients send heartbeats; three silent intervals mean the peer is gone.
                log.info("closing {}: nothing received for {} ms", ctx.channel(), config.heartbeatInterval().toMillis() * 3);
                ctx.close();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof IOException) {
                log.debug("connection {} failed: {}", ctx.channel(), cause.toString());
            } else {
                log.warn("closing {} after an unexpected error", ctx.channel(), cause);
            }
            ctx.close();
        }
    }
}
