package dev.ferry.protocol.rocketmq;

import io.netty.channel.embedded.EmbeddedChannel;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyRemotingAbstract;
import org.apache.rocketmq.remoting.netty.NettyRemotingClient;
import org.apache.rocketmq.remoting.netty.ResponseFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests left waiting on a connection that closed without the client failing them (a broker
 * restarted on the same address) fail at the next sweep instead of at their own timeout.
 */
class StrandedRequestsTest {

    private final NettyRemotingClient client = new NettyRemotingClient(new NettyClientConfig());

    @AfterEach
    void shutDown() {
        client.shutdown();
    }

    @Test
    void aRequestOnAClosedConnectionFailsAtTheSweepAndOneOnAnOpenConnectionWaits() throws Exception {
        EmbeddedChannel gone = new EmbeddedChannel();
        gone.remoteAddress(); // known while open, as a real connection's address is (failures name it)
        EmbeddedChannel open = new EmbeddedChannel();
        CompletableFuture<ResponseFuture> goneDone = new CompletableFuture<>();
        CompletableFuture<ResponseFuture> openDone = new CompletableFuture<>();
        Map<Integer, ResponseFuture> waiting = table();
        // As a long-polling pull waits: 30 s before its own timeout.
        waiting.put(1, new ResponseFuture(gone, 1, 30_000, goneDone::complete, null));
        waiting.put(2, new ResponseFuture(gone, 2, 30_000, r -> { }, null));
        waiting.put(3, new ResponseFuture(open, 3, 30_000, openDone::complete, null));
        StrandedRequests stranded = new StrandedRequests(client);

        assertEquals(0, stranded.sweep(), "every connection open: nothing to fail");
        gone.close();
        assertEquals(1, stranded.sweep(), "one closed connection, with two requests");

        ResponseFuture failed = goneDone.get(5, TimeUnit.SECONDS);
        assertFalse(failed.isSendRequestOK());
        assertNull(failed.getResponseCommand(), "failed without a response, as RocketMQ fails a request itself");
        assertEquals(Map.of(3, waiting.get(3)), Map.copyOf(waiting), "only the request on the open connection waits");
        assertFalse(openDone.isDone());
        assertEquals(0, stranded.sweep(), "nothing left to fail");
        assertTrue(open.isActive());
        open.close();
    }

    @SuppressWarnings("unchecked")
    private Map<Integer, ResponseFuture> table() throws ReflectiveOperationException {
        Field f = NettyRemotingAbstract.class.getDeclaredField("responseTable");
        f.setAccessible(true);
        return (Map<Integer, ResponseFuture>) f.get(client);
    }
}
