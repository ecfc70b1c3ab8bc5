package dev.ferry.protocol.dubbo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.PlatformDependent;

import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Frames written to one channel from threads outside its event loop (callers, business
 * threads), gathered so that one event-loop task writes everything queued so far and flushes
 * once. Under load many frames share one task and one system call instead of each paying for
 * its own {@code writeAndFlush}; when idle a frame still goes out at once.
 */
final class WriteQueue {

    // Flush at least this often inside one long drain, so a busy queue does not hold bytes back.
    private static final int MAX_WRITES_PER_FLUSH = 128;

    private final Channel channel;
    private final Queue<Object> queue = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;

    WriteQueue(Channel channel) {
        this.channel = channel;
    }

    /**
     * Queues {@code frame} (ownership passes here); {@code onWritten}, if not null, hears whether
     * it reached the socket. Without a listener a failed write surfaces as the channel's
     * exception, which closes it.
     */
    void write(ByteBuf frame, ChannelFutureListener onWritten) {
        queue.offer(onWritten == null ? frame : new Listened(frame, onWritten));
        if (scheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(drain);
            } catch (RejectedExecutionException e) {
                // The event loop is shutting down: nothing queued will be written.
                scheduled.set(false);
                discard();
            }
        }
    }

    private void drain() {
        for (;;) {
            int sinceFlush = 0;
            Object item;
            while ((item = queue.poll()) != null) {
                if (item instanceof Listened l) {
                    ChannelPromise p = channel.newPromise();
                    p.addListener(l.listener);
                    channel.write(l.frame, p);
                } else {
                    channel.write(item, channel.voidPromise());
                }
                if (++sinceFlush == MAX_WRITES_PER_FLUSH) {
                    channel.flush();
                    sinceFlush = 0;
                }
            }
            channel.flush();
            scheduled.set(false);
            // A writer that queued after the poll above but saw scheduled still true relies on us.
            if (queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private void discard() {
        Object item;
        while ((item = queue.poll()) != null) {
            if (item instanceof Listened l) {
                ReferenceCountUtil.release(l.frame);
                ChannelPromise p = channel.newPromise();
                p.addListener(l.listener);
                p.tryFailure(new RejectedExecutionException("the connection's event loop has stopped"));
            } else {
                ReferenceCountUtil.release(item);
            }
        }
    }

    private record Listened(ByteBuf frame, ChannelFutureListener listener) {
    }
}
