package dev.ferry.protocol.rocketmq;

import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.remoting.RemotingClient;
import org.apache.rocketmq.remoting.netty.NettyEvent;
import org.apache.rocketmq.remoting.netty.NettyEventType;
import org.apache.rocketmq.remoting.netty.NettyRemotingAbstract;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Shuts a rocketmq-client instance down in milliseconds instead of up to three seconds.
 *
 * <p>The client's remoting layer runs an event thread that polls its queue with a 3-second
 * timeout and checks its "stopped" flag only between polls; shutting the client down joins that
 * thread. Feeding the queue no-op events (CONNECT, which the client's listener ignores) while
 * the shutdown runs makes each poll return at once.
 */
final class ClientShutdown {

    private ClientShutdown() {
    }

    /** Runs {@code shutdown} (which ends with {@code instance}'s shutdown) while nudging its event thread. */
    static void run(MQClientInstance instance, Runnable shutdown) {
        RemotingClient remoting = instance == null ? null : instance.getMQClientAPIImpl().getRemotingClient();
        if (!(remoting instanceof NettyRemotingAbstract netty)) {
            shutdown.run();
            return;
        }
        Nudger nudger = new Nudger(netty);
        nudger.start();
        try {
            shutdown.run();
        } finally {
            nudger.done = true;
        }
    }

    private static final class Nudger extends Thread {
        private final NettyRemotingAbstract remoting;
        volatile boolean done;

        Nudger(NettyRemotingAbstract remoting) {
            super("ferry-rocketmq-shutdown");
            setDaemon(true);
            this.remoting = remoting;
        }

        @Override
        public void run() {
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!done && System.nanoTime() - until < 0) {
                remoting.putNettyEvent(new NettyEvent(NettyEventType.CONNECT, "", null));
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
        }
    }
}
