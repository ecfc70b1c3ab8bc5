package dev.ferry.protocol.rocketmq;

import io.netty.channel.Channel;
import org.apache.rocketmq.remoting.RemotingClient;
import org.apache.rocketmq.remoting.netty.NettyRemotingAbstract;
import org.apache.rocketmq.remoting.netty.ResponseFuture;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Fails a RocketMQ client's requests that wait on a connection that has closed. The client
 * fails such requests itself when it closes the connection; but when a broker restarts on the
 * same address, the client may open the new connection before it notices the old one closed,
 * and then the requests of the old one wait for their own timeout — for a provider's
 * long-polling pull, 30 seconds in which its queue is not read, plus 3 before the next pull.
 * Failed now, each such pull is sent again (3 s later, RocketMQ's delay after a failed pull).
 */
final class StrandedRequests {

    private final RemotingClient client;
    private final Map<?, ResponseFuture> waiting;
    private final Method failFast;

    @SuppressWarnings("unchecked")
    StrandedRequests(RemotingClient client) {
        this.client = client;
        try {
            Field table = NettyRemotingAbstract.class.getDeclaredField("responseTable");
            table.setAccessible(true);
            this.waiting = (Map<?, ResponseFuture>) table.get(client);
            this.failFast = NettyRemotingAbstract.class.getDeclaredMethod("failFast", Channel.class);
            failFast.setAccessible(true);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("this rocketmq-client has no request table where 5.4.0 has one: " + e, e);
        }
    }

    /** Fails every waiting request whose connection is closed; returns the number of such connections. */
    int sweep() {
        // A request is only sent on an open connection, so one that is closed now has closed since.
        Set<Channel> closed = new HashSet<>();
        for (ResponseFuture f : waiting.values()) {
            Channel c = f.getChannel();
            if (c != null && !c.isActive()) {
                closed.add(c);
            }
        }
        for (Channel c : closed) {
            try {
                failFast.invoke(client, c);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            } catch (InvocationTargetException e) {
                throw new IllegalStateException("failing the requests of a closed connection failed", e.getCause());
            }
        }
        return closed.size();
    }
}
