package dev.ferry.protocol.dubbo;

import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.Codec;
import dev.ferry.api.spi.CodecException;
import dev.ferry.api.spi.Message;
import dev.ferry.api.spi.Request;
import dev.ferry.api.spi.Response;
import dev.ferry.core.invocation.RpcInvocation;
import dev.ferry.core.transport.PendingCalls;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The consumer's connection to one provider address, shared by every invoker that refers to
 * it. Connects on first use, writes frames, matches replies to calls and, once the connection
 * is lost, fails the calls waiting on it and keeps trying to restore it in the background
 * while invokers still use it; a call made meanwhile also tries to connect at once.
 *
 * <p>Each physical connection has its own {@link PendingCalls}, so a dying connection fails
 * exactly the calls written to it.
 */
final class DubboClient {

    private static final Logger log = LoggerFactory.getLogger(DubboClient.class);

    private final Endpoint endpoint;
    private final DubboProtocolConfig config;
    private final Codec codec;
    private final Function<String, ClassAllowlist> allowlists;
    private final byte heartbeatSerializationId;
    private final Bootstrap bootstrap;
    private final EventLoopGroup group;

    private final Object lock = new Object();
    private volatile Connection current;         // written under lock
    private ScheduledFuture<?> reconnect;        // guarded by lock
    private int refs;                            // guarded by lock
    private volatile boolean dead;
    private volatile boolean closed;

    DubboClient(Endpoint endpoint, DubboProtocolConfig config, Codec codec, Function<String, ClassAllowlist> allowlists,
                byte heartbeatSerializationId, EventLoopGroup group) {
        this.endpoint = endpoint;
        this.config = config;
        this.codec = codec;
        this.allowlists = allowlists;
        this.heartbeatSerializationId = heartbeatSerializationId;
        this.group = group;
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis());
    }

    /** {@code dubbo://host:port}, as calls through this client are named in errors. */
    Endpoint endpoint() {
        return endpoint;
    }

    /** False once the connection is known lost (until it is restored) or the client is closed. */
    boolean isAvailable() {
        return !closed && !dead;
    }

    /** Counts one more invoker using this client. */
    void retain() {
        synchronized (lock) {
            refs++;
        }
    }

    /** Counts one invoker less; true when none is left and the client should be closed. */
    boolean release() {
        synchronized (lock) {
            return --refs <= 0;
        }
    }

    /**
     * Sends one call. Two-way calls complete with the reply; oneway calls complete with a null
     * value once written. The call's timeout runs from here, connecting included.
     */
    CompletableFuture<Result> send(Invocation inv, byte serializationId, boolean oneway) {
        Connection conn;
        try {
            conn = connection();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new RpcException(Code.CHANNEL_INACTIVE,
                    "call " + RpcInvocation.describe(inv) + " to " + endpoint + " failed: " + e.getMessage(), e));
        }
        long id = PendingCalls.nextId();
        CompletableFuture<Result> result = oneway ? new CompletableFuture<>() : conn.pending.register(id, inv, endpoint);
        Request request = Request.call(id, serializationId, !oneway, inv);
        ChannelFuture connected = conn.connectFuture;
        if (connected.isDone()) {
            afterConnect(conn, connected, request, result);
        } else {
            connected.addListener((ChannelFutureListener) f -> afterConnect(conn, f, request, result));
        }
        return result;
    }

    private void afterConnect(Connection conn, ChannelFuture connected, Request request, CompletableFuture<Result> result) {
        Invocation inv = request.invocation();
        if (!connected.isSuccess()) {
            Throwable cause = connected.cause();
            String why = cause == null ? "connection attempt cancelled" : describe(cause);
            fail(conn, request, result, new RpcException(Code.CHANNEL_INACTIVE, "call " + RpcInvocation.describe(inv)
                    + " to " + endpoint + " failed: cannot connect: " + why, cause));
            return;
        }
        Channel ch = connected.channel();
        ByteBuf buf;
        try {
            buf = Frames.encode(codec, request, ch.alloc());
        } catch (IOException | RuntimeException | StackOverflowError e) {
            Code code = e instanceof CodecException ce ? ce.code() : Code.CLIENT_ERROR;
            fail(conn, request, result, new RpcException(code, "call " + RpcInvocation.describe(inv) + " to " + endpoint
                    + " failed: the request cannot be encoded: " + e.getMessage(), e));
            return;
        }
        ch.writeAndFlush(buf).addListener((ChannelFutureListener) w -> {
            if (!w.isSuccess()) {
                fail(conn, request, result, new RpcException(Code.CHANNEL_INACTIVE, "call " + RpcInvocation.describe(inv)
                        + " to " + endpoint + " failed: the request could not be written: " + describe(w.cause()), w.cause()));
            } else if (!request.twoWay()) {
                result.complete(Result.value(null));
            }
        });
    }

    private static void fail(Connection conn, Request request, CompletableFuture<Result> result, RpcException e) {
        if (request.twoWay()) {
            conn.pending.fail(request.id(), e);
        } else {
            result.completeExceptionally(e);
        }
    }

    /** The live or connecting connection, starting a new attempt when the last one is gone. */
    private Connection connection() {
        Connection c = current;
        if (c != null && c.usable()) {
            return c;
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the client is closed");
            }
            if (current == null || !current.usable()) {
                connect();
            }
            return current;
        }
    }

    // Called with lock held; the new attempt becomes the current connection.
    private void connect() {
        Connection conn = new Connection();
        Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                long beat = config.heartbeatInterval().toMillis();
                ch.pipeline().addLast("idle", new IdleStateHandler(beat * 3, 0, beat, TimeUnit.MILLISECONDS))
                        .addLast("frames", new FrameDecoder(config.payloadLimit()))
                        .addLast("handler", new ClientHandler(conn));
            }
        });
        conn.connectFuture = b.connect(endpoint.host(), endpoint.port());
        current = conn;
        conn.connectFuture.addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                log.debug("connected to {}", endpoint);
                synchronized (lock) {
                    if (conn == current) {
                        dead = false;
                    }
                }
                if (closed) {
                    f.channel().close();
                }
            } else {
                log.debug("cannot connect to {}: {}", endpoint, describe(f.cause()));
                markDead(conn);
            }
        });
    }

    private void onConnectionLost(Connection conn) {
        conn.pending.failAll(endpoint, "connection closed");
        if (!closed) {
            log.info("connection to {} lost", endpoint);
            markDead(conn);
        }
    }

    // Only the current connection's fate decides availability: a stale one may report late.
    private void markDead(Connection conn) {
        synchronized (lock) {
            if (conn != current) {
                return;
            }
            dead = true;
        }
        scheduleReconnect();
    }

    /** While invokers still use this client, tries to restore the connection every interval. */
    private void scheduleReconnect() {
        synchronized (lock) {
            if (closed || refs <= 0 || reconnect != null && !reconnect.isDone() || group.isShuttingDown()) {
                return;
            }
            try {
                reconnect = group.schedule(this::reconnect, config.reconnectInterval().toMillis(), TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                log.debug("cannot schedule a reconnect to {}: {}", endpoint, e.toString());
            }
        }
    }

    private void reconnect() {
        synchronized (lock) {
            reconnect = null;
            if (closed || refs <= 0 || current != null && current.usable()) {
                return;
            }
            connect();
        }
    }

    /** Closes the connection; calls waiting on it fail with {@code CHANNEL_INACTIVE}. */
    void close() {
        Connection c;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (reconnect != null) {
                reconnect.cancel(false);
            }
            c = current;
            current = null;
        }
        if (c != null) {
            c.connectFuture.channel().close().awaitUninterruptibly(1000);
            // A connection still connecting has no channel events yet: fail its calls here.
            c.pending.failAll(endpoint, "the client was closed");
        }
    }

    @Override
    public String toString() {
        return "DubboClient{" + endpoint + (dead ? ", dead" : "") + (closed ? ", closed" : "") + "}";
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "unknown cause";
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    /** One physical connection attempt and the calls written to it. */
    private final class Connection {
        final PendingCalls pending = new PendingCalls(allowlists);
        volatile ChannelFuture connectFuture;

        /** Connecting, or connected and open. */
        boolean usable() {
            ChannelFuture f = connectFuture;
            return !f.isDone() || f.isSuccess() && f.channel().isActive();
        }
    }

    private final class ClientHandler extends ChannelInboundHandlerAdapter {
        private final Connection conn;

        ClientHandler(Connection conn) {
            this.conn = conn;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf frame) {
                onFrame(ctx.channel(), frame);
            } else if (msg instanceof FrameDecoder.OversizedFrame f) {
                if (!f.request()) {
                    failCall(f.id(), Code.BAD_RESPONSE, "the response was refused: " + f.describe(), null);
                } else {
                    log.warn("dropping request {} from provider {}: {}", f.id(), endpoint, f.describe());
                }
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        private void onFrame(Channel ch, ByteBuf frame) {
            byte serializationId = Frames.serializationId(frame);
            Message message;
            try {
                message = Frames.decode(codec, frame, conn.pending);
            } catch (CodecException e) {
                if (e.requestId() == CodecException.UNKNOWN_ID) {
                    log.warn("closing connection to {}: {}", endpoint, e.getMessage());
                    ch.close();
                } else if (!e.fromRequest()) {
                    failCall(e.requestId(), Code.BAD_RESPONSE, "the response does not decode: " + e.getMessage(), e);
                } else if (e.twoWay()) {
                    // Providers may probe consumers with events; anything else this side cannot serve.
                    writeQuietly(ch, Response.error(e.requestId(), serializationId, e.code(), e.getMessage()));
                }
                return;
            } catch (IOException | RuntimeException e) {
                log.warn("closing connection to {}: frame does not decode: {}", endpoint, e.toString());
                ch.close();
                return;
            }
            if (message instanceof Response response) {
                if (response.event()) {
                    return; // a heartbeat reply: reading it already reset the idle timer
                }
                if (!conn.pending.complete(response)) {
                    log.debug("reply {} from {} came after its call ended", response.id(), endpoint);
                }
            } else if (message instanceof Request request && request.event() && request.twoWay()) {
                writeQuietly(ch, Response.event(request.id(), request.serializationId()));
            }
        }

        private void failCall(long id, Code code, String why, Throwable cause) {
            Invocation inv = conn.pending.invocation(id);
            if (inv == null) {
                log.debug("reply {} from {} came after its call ended ({})", id, endpoint, why);
                return;
            }
            conn.pending.fail(id, new RpcException(code, "call " + RpcInvocation.describe(inv) + " to " + endpoint
                    + " failed: " + why, cause));
        }

        private void writeQuietly(Channel ch, Message message) {
            try {
                ch.writeAndFlush(Frames.encode(codec, message, ch.alloc()));
            } catch (IOException | RuntimeException e) {
                log.debug("cannot answer {} on {}: {}", message.id(), endpoint, e.toString());
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent e) {
                if (e.state() == IdleState.READER_IDLE) {
                    log.info("closing connection to {}: no reply to three heartbeats", endpoint);
                    ctx.close();
                } else if (e.state() == IdleState.ALL_IDLE) {
                    writeQuietly(ctx.channel(), Request.heartbeat(PendingCalls.nextId(), heartbeatSerializationId));
                }
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            onConnectionLost(conn);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof IOException) {
                log.debug("connection to {} failed: {}", endpoint, cause.toString());
            } else {
                log.warn("closing connection to {} after an unexpected error", endpoint, cause);
            }
            ctx.close();
        }
    }
}
