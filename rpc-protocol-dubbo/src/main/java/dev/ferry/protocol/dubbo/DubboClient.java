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
import dev.ferry.core.codec.FrameHeader;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The consumer side of one provider address: {@link DubboProtocolConfig#connections()} shared
 * connections (one by default), used in turn by every invoker of every service at that address.
 *
 * <p>Connections are opened on first use. A lost connection fails the calls written to it at
 * once and is restored in the background while invokers still use the client, waiting
 * {@link DubboProtocolConfig#reconnectInterval()} before the first attempt and twice as long
 * after each failed one, up to {@link DubboProtocolConfig#maxReconnectInterval()}; a call made
 * meanwhile also tries to connect at once. A connection whose provider announced its shutdown
 * (Dubbo's read-only event) takes no new calls while another connection can, and makes the
 * client unavailable when none can, so clusters move to other providers.
 *
 * <p>No thread waits per call: requests are encoded on the caller's thread and written in
 * batches by the connection's event loop ({@link WriteQueue}); replies complete their futures on
 * the event loop; timeouts run on the shared timer wheel ({@link PendingCalls}).
 */
final class DubboClient {

    private static final Logger log = LoggerFactory.getLogger(DubboClient.class);
    /** The event data with which a Dubbo provider tells consumers it is shutting down. */
    static final String READONLY_EVENT = "R";

    private final Endpoint endpoint;
    private final DubboProtocolConfig config;
    private final Codec codec;
    private final Function<String, ClassAllowlist> allowlists;
    private final byte heartbeatSerializationId;
    private final Bootstrap bootstrap;
    private final EventLoopGroup group;
    private final java.util.concurrent.Executor replyDecoder;
    private final Slot[] slots;
    private final AtomicInteger turn = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();

    private final Object lock = new Object();
    private int refs;                            // guarded by lock
    private volatile boolean closed;

    DubboClient(Endpoint endpoint, DubboProtocolConfig config, Codec codec, Function<String, ClassAllowlist> allowlists,
                byte heartbeatSerializationId, EventLoopGroup group, java.util.concurrent.Executor replyDecoder) {
        this.endpoint = endpoint;
        this.config = config;
        this.codec = codec;
        this.allowlists = allowlists;
        this.heartbeatSerializationId = heartbeatSerializationId;
        this.group = group;
        this.replyDecoder = replyDecoder;
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis());
        this.slots = new Slot[config.connections()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(i);
        }
    }

    /** {@code dubbo://host:port}, as calls through this client are named in errors. */
    Endpoint endpoint() {
        return endpoint;
    }

    /**
     * False once the client is closed, or every connection is known lost (until one is
     * restored) or announced read-only by the provider.
     */
    boolean isAvailable() {
        if (closed) {
            return false;
        }
        for (Slot s : slots) {
            if (s.available()) {
                return true;
            }
        }
        return false;
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
        Slot slot = pick();
        Connection conn;
        try {
            conn = slot.connection();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new RpcException(Code.CHANNEL_INACTIVE,
                    "call " + RpcInvocation.describe(inv) + " to " + endpoint + " failed: " + e.getMessage(), e));
        }
        long id = ids.incrementAndGet();
        CompletableFuture<Result> result = oneway ? new CompletableFuture<>() : conn.calls.register(id, inv, endpoint);
        Request request = Request.call(id, serializationId, !oneway, inv);
        ChannelFuture connected = conn.connectFuture;
        if (connected.isDone()) {
            afterConnect(slot, conn, connected, request, result);
        } else {
            connected.addListener((ChannelFutureListener) f -> afterConnect(slot, conn, f, request, result));
        }
        return result;
    }

    /** The next connection in turn, skipping ones known dead or read-only while another is fine. */
    private Slot pick() {
        if (slots.length == 1) {
            return slots[0];
        }
        int start = Math.floorMod(turn.getAndIncrement(), slots.length);
        for (int i = 0; i < slots.length; i++) {
            Slot s = slots[(start + i) % slots.length];
            if (s.available()) {
                return s;
            }
        }
        return slots[start];
    }

    private void afterConnect(Slot slot, Connection conn, ChannelFuture connected, Request request,
                              CompletableFuture<Result> result) {
        Invocation inv = request.invocation();
        if (!connected.isSuccess()) {
            // The attempt's own listener may not have run yet: whoever sees this failure first
            // marks the connection dead before the caller hears of it.
            slot.markDead(conn);
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
        if (request.twoWay()) {
            // A failed write closes the channel, which fails this call with the others on it.
            conn.writes.write(buf, null);
        } else {
            conn.writes.write(buf, w -> {
                if (w.isSuccess()) {
                    result.complete(Result.value(null));
                } else {
                    result.completeExceptionally(new RpcException(Code.CHANNEL_INACTIVE, "call "
                            + RpcInvocation.describe(inv) + " to " + endpoint + " failed: the request could not be written: "
                            + describe(w.cause()), w.cause()));
                }
            });
        }
    }

    private static void fail(Connection conn, Request request, CompletableFuture<Result> result, RpcException e) {
        if (request.twoWay()) {
            conn.calls.fail(request.id(), e);
        } else {
            result.completeExceptionally(e);
        }
    }

    /** Closes the connections; calls waiting on them fail with {@code CHANNEL_INACTIVE}. */
    void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (Slot s : slots) {
            s.close();
        }
    }

    /** Calls written and not yet answered, over all connections. */
    int inFlight() {
        int n = 0;
        for (Slot s : slots) {
            Connection c = s.current;
            n += c == null ? 0 : c.calls.size();
        }
        return n;
    }

    @Override
    public String toString() {
        return "DubboClient{" + endpoint + ", " + slots.length + " connection(s)" + (closed ? ", closed" : "") + "}";
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "unknown cause";
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    /** One of the client's connections and its reconnect state. */
    private final class Slot {
        private final int index;
        private volatile Connection current;         // written under lock
        private volatile boolean dead;
        private ScheduledFuture<?> reconnect;        // guarded by lock
        private long backoffMillis = config.reconnectInterval().toMillis(); // guarded by lock

        Slot(int index) {
            this.index = index;
        }

        boolean available() {
            Connection c = current;
            return !dead && (c == null || !c.readOnly);
        }

        /** The live or connecting connection, starting a new attempt when the last one is gone. */
        Connection connection() {
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
            ChannelFuture f = b.connect(endpoint.host(), endpoint.port());
            conn.writes = new WriteQueue(f.channel());
            conn.connectFuture = f;
            current = conn;
            f.addListener((ChannelFutureListener) done -> {
                if (done.isSuccess()) {
                    log.debug("connected to {} (connection {})", endpoint, index);
                    synchronized (lock) {
                        if (conn == current) {
                            dead = false;
                            backoffMillis = config.reconnectInterval().toMillis();
                        }
                    }
                    if (closed) {
                        done.channel().close();
                    }
                } else {
                    log.debug("cannot connect to {}: {}", endpoint, describe(done.cause()));
                    markDead(conn);
                }
            });
        }

        void onConnectionLost(Connection conn) {
            // Replies that arrived before the close still complete their calls.
            conn.lost(() -> conn.calls.failAll("connection closed"));
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

        /** While invokers still use the client, tries to restore the connection, backing off. */
        private void scheduleReconnect() {
            synchronized (lock) {
                if (closed || refs <= 0 || reconnect != null && !reconnect.isDone() || group.isShuttingDown()) {
                    return;
                }
                long delay = backoffMillis;
                backoffMillis = Math.min(backoffMillis * 2, config.maxReconnectInterval().toMillis());
                try {
                    reconnect = group.schedule(this::reconnect, delay, TimeUnit.MILLISECONDS);
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

        void close() {
            Connection c;
            synchronized (lock) {
                if (reconnect != null) {
                    reconnect.cancel(false);
                }
                c = current;
                current = null;
            }
            if (c != null) {
                c.connectFuture.channel().close().awaitUninterruptibly(1000);
                // A connection still connecting has no channel events yet: fail its calls here.
                c.calls.failAll("the client was closed");
            }
        }
    }

    /** One physical connection attempt and the calls written to it. */
    private final class Connection {
        final PendingCalls calls = new PendingCalls(allowlists);
        volatile ChannelFuture connectFuture;
        volatile WriteQueue writes;
        /** Set when the provider announced its shutdown. */
        volatile boolean readOnly;
        /** Replies received and not yet decoded; the connection's calls fail only after them. */
        final java.util.concurrent.atomic.AtomicInteger decoding = new java.util.concurrent.atomic.AtomicInteger();
        private volatile boolean lost;
        private final java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile Runnable onLost;

        /** Runs {@code failCalls} once the connection is gone and every reply it brought is decoded. */
        void lost(Runnable failCalls) {
            onLost = failCalls;
            lost = true;
            failIfDrained();
        }

        void decoded() {
            decoding.decrementAndGet();
            failIfDrained();
        }

        private void failIfDrained() {
            if (lost && decoding.get() == 0 && failed.compareAndSet(false, true)) {
                onLost.run();
            }
        }

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

        private Slot slot() {
            for (Slot s : slots) {
                if (s.current == conn) {
                    return s;
                }
            }
            return null;
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
            int flag = frame.getByte(frame.readerIndex() + 2);
            boolean reply = (flag & (FrameHeader.FLAG_REQUEST | FrameHeader.FLAG_EVENT)) == 0;
            if (reply) {
                conn.decoding.incrementAndGet();
                try {
                    replyDecoder.execute(() -> {
                        try {
                            decodeAndHandle(ch, frame);
                        } finally {
                            conn.decoded();
                        }
                    });
                    return;
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    // The protocol is closing: decode here rather than lose the reply.
                    try {
                        decodeAndHandle(ch, frame);
                    } finally {
                        conn.decoded();
                    }
                    return;
                }
            }
            decodeAndHandle(ch, frame);
        }

        private void decodeAndHandle(Channel ch, ByteBuf frame) {
            byte serializationId = Frames.serializationId(frame);
            Message message;
            try {
                message = Frames.decode(codec, frame, conn.calls);
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
                if (!conn.calls.complete(response)) {
                    log.debug("reply {} from {} came after its call ended", response.id(), endpoint);
                }
            } else if (message instanceof Request request && request.event()) {
                if (READONLY_EVENT.equals(request.eventData())) {
                    log.info("provider {} is shutting down: no new calls on this connection", endpoint);
                    conn.readOnly = true;
                }
                if (request.twoWay()) {
                    writeQuietly(ch, Response.event(request.id(), request.serializationId()));
                }
            }
        }

        private void failCall(long id, Code code, String why, Throwable cause) {
            Invocation inv = conn.calls.invocation(id);
            if (inv == null) {
                log.debug("reply {} from {} came after its call ended ({})", id, endpoint, why);
                return;
            }
            conn.calls.fail(id, new RpcException(code, "call " + RpcInvocation.describe(inv) + " to " + endpoint
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
                    writeQuietly(ctx.channel(), Request.heartbeat(ids.incrementAndGet(), heartbeatSerializationId));
                }
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Slot s = slot();
            if (s != null) {
                s.onConnectionLost(conn);
            } else {
                conn.lost(() -> conn.calls.failAll("connection closed"));
            }
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
