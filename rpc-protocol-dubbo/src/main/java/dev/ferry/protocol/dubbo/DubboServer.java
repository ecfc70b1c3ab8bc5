package dev.ferry.protocol.dubbo;

import dev.ferry.api.Invocation;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.spi.Codec;
import dev.ferry.api.spi.CodecException;
import dev.ferry.api.spi.Message;
import dev.ferry.api.spi.Request;
import dev.ferry.api.spi.Response;
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

/**
 * The provider side of one {@link DubboProtocol}: a Netty server that splits frames, decodes
 * them on the I/O thread and runs calls on a bounded business pool.
 *
 * <p>Every two-way request gets an answer: a decoded call its result, a frame that does not
 * decode (but names its id) status 40 or the codec's code, a request the full pool cannot take
 * status 100, a response that cannot be encoded status 80 or the codec's code. Only frames
 * whose header is unreadable close the connection.
 */
final class DubboServer {

    private static final Logger log = LoggerFactory.getLogger(DubboServer.class);

    private final DubboProtocolConfig config;
    private final Codec codec;
    private final ExportedServices services;
    private final byte fallbackSerializationId;
    private final ThreadPoolExecutor business;
    private final ChannelGroup connections = new DefaultChannelGroup("ferry-dubbo-server", GlobalEventExecutor.INSTANCE);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ServerHandler handler = new ServerHandler();
    private Channel serverChannel;
    private String address;

    DubboServer(DubboProtocolConfig config, Codec codec, ExportedServices services, byte fallbackSerializationId) {
        this.config = config;
        this.codec = codec;
        this.services = services;
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
     * Stops accepting, lets calls in flight finish for up to {@code grace}, then closes every
     * connection and stops the business pool.
     */
    void close(Duration grace) {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly(grace.toMillis() + 1000);
        }
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

    // ------------------------------------------------------------------ request handling

    private void onFrame(Channel ch, ByteBuf frame) {
        byte serializationId = Frames.serializationId(frame);
        Message message;
        try {
            message = Frames.decode(codec, frame, services);
        } catch (CodecException e) {
            onBadFrame(ch, e, serializationId);
            return;
        } catch (IOException | RuntimeException e) {
            log.warn("closing {}: frame does not decode: {}", ch, e.toString());
            ch.close();
            return;
        }
        if (!(message instanceof Request request)) {
            // This server sends no requests, so a response here answers nothing.
            log.debug("ignoring response {} received by the server from {}", message.id(), ch.remoteAddress());
            return;
        }
        if (request.event()) {
            if (request.twoWay()) {
                send(ch, Response.event(request.id(), request.serializationId()), null);
            }
            return;
        }
        inFlight.incrementAndGet();
        try {
            business.execute(() -> run(ch, request));
        } catch (RejectedExecutionException e) {
            inFlight.decrementAndGet();
            Invocation inv = request.invocation();
            log.warn("business pool exhausted on {} ({} threads, queue {}): refusing {}", address,
                    config.businessThreads(), config.businessQueue(), RpcInvocation.describe(inv));
            if (request.twoWay()) {
                send(ch, Response.error(request.id(), request.serializationId(), Code.THREADPOOL_EXHAUSTED,
                        "provider at " + address + " refused " + RpcInvocation.describe(inv) + ": its business pool ("
                                + config.businessThreads() + " threads, queue " + config.businessQueue()
                                + ") is exhausted"), inv);
            }
        }
    }

    private void run(Channel ch, Request request) {
        CompletableFuture<Response> f;
        try {
            f = services.dispatch(request);
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
            buf = Frames.encode(codec, response, ch.alloc());
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
        ch.writeAndFlush(buf).addListener((ChannelFutureListener) w -> {
            if (!w.isSuccess()) {
                log.debug("could not write response {} to {}: {}", response.id(), ch.remoteAddress(), String.valueOf(w.cause()));
            }
        });
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
