package dev.ferry.protocol.rocketmq;

import dev.ferry.protocol.rocketmq.embedded.EmbeddedRocketMq;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Request batching on a real embedded broker: what waits behind a send in flight goes in one
 * batch, and the broker stores every request of it as its own message with its own
 * properties; what cannot be batched goes alone; a failed send fails each of its requests and
 * gives its slot back, and a broker that never answers holds its queue only until the send
 * times out.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RequestBatcherTest {

    private static EmbeddedRocketMq mq;
    private static RocketMqClient client;

    @BeforeAll
    static void start() {
        mq = EmbeddedRocketMq.builder().build().start();
        client = new RocketMqClient(RocketMqProtocolConfig.of(mq.nameServerAddress()));
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (mq != null) {
            mq.close();
        }
    }

    private static String newTopic() {
        String topic = "batcher_test_" + UUID.randomUUID().toString().replace("-", "");
        mq.createTopic(topic, 1);
        mq.awaitRoute(topic, Duration.ofSeconds(30));
        return topic;
    }

    private static MessageQueue queueOf(String topic) {
        return new MessageQueue(topic, mq.brokerNames().get(0), 0);
    }

    private static Message request(String topic, int n, boolean withCluster) {
        Message m = new Message(topic, "t" + (n % 3), "key-" + n, ("request " + n).getBytes(StandardCharsets.UTF_8));
        m.putUserProperty("n", Integer.toString(n));
        if (withCluster) {
            MessageAccessor.putProperty(m, MessageConst.PROPERTY_CLUSTER, mq.clusterName());
        }
        return m;
    }

    /** Records what each message heard, by message identity. */
    private static final class Outcomes {
        final Map<Message, Object> heard = Collections.synchronizedMap(new IdentityHashMap<>());
        final CountDownLatch all;

        Outcomes(int expected) {
            all = new CountDownLatch(expected);
        }

        SendCallback of(Message m) {
            return new SendCallback() {
                @Override
                public void onSuccess(SendResult result) {
                    heard.put(m, result);
                    all.countDown();
                }

                @Override
                public void onException(Throwable e) {
                    heard.put(m, e);
                    all.countDown();
                }
            };
        }

        /** How many sends carried the messages: each send's result is shared by its messages. */
        int sends() {
            Set<Object> results = Collections.newSetFromMap(new IdentityHashMap<>());
            synchronized (heard) {
                results.addAll(heard.values());
            }
            return results.size();
        }
    }

    private static List<MessageExt> readAll(String topic, int expected) throws Exception {
        DefaultLitePullConsumer reader = new DefaultLitePullConsumer("batcher_reader_" + UUID.randomUUID().toString()
                .replace("-", ""));
        reader.setNamesrvAddr(mq.nameServerAddress());
        reader.setAutoCommit(false);
        reader.start();
        try {
            MessageQueue q = queueOf(topic);
            reader.assign(List.of(q));
            reader.seekToBegin(q);
            List<MessageExt> got = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (got.size() < expected && System.nanoTime() < deadline) {
                got.addAll(reader.poll(500));
            }
            return got;
        } finally {
            reader.shutdown();
        }
    }

    @Test
    void requestsMadeWhileASendIsInFlightTravelTogetherAndAreStoredOneByOne() throws Exception {
        String topic = newTopic();
        RequestBatcher batcher = new RequestBatcher(client.producer(), 1);
        int n = 200;
        Outcomes outcomes = new Outcomes(n);
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Message m = request(topic, i, true);
            sent.add(m);
            batcher.send(m, queueOf(topic), 10_000, outcomes.of(m));
        }
        // The last request most likely still waits behind the sends before it: taken back, it
        // must never be sent nor answered; if it had gone already, it is answered like the rest.
        Message last = sent.get(n - 1);
        boolean withdrawn = batcher.withdraw(last, queueOf(topic));
        int expected = withdrawn ? n - 1 : n;
        if (withdrawn) {
            outcomes.all.countDown();
        }
        assertTrue(outcomes.all.await(60, TimeUnit.SECONDS), "every request heard from its send");
        assertEquals(0, batcher.waiting(), "nothing left waiting");
        for (Message m : sent.subList(0, expected)) {
            assertTrue(outcomes.heard.get(m) instanceof SendResult, "stored: " + outcomes.heard.get(m));
        }
        if (withdrawn) {
            assertTrue(!outcomes.heard.containsKey(last), "a withdrawn request is never answered");
        }
        int sends = outcomes.sends();
        assertTrue(sends < expected / 2, expected + " requests took " + sends + " sends: they were not batched");

        List<MessageExt> stored = readAll(topic, expected);
        assertEquals(expected, stored.size(), "each request is its own stored message");
        Map<String, MessageExt> byKey = new HashMap<>();
        for (MessageExt m : stored) {
            assertNotNull(m.getKeys());
            byKey.put(m.getKeys(), m);
        }
        for (int i = 0; i < expected; i++) {
            MessageExt m = byKey.get("key-" + i);
            assertNotNull(m, "request " + i + " stored");
            assertEquals(Integer.toString(i), m.getUserProperty("n"), "its own properties");
            assertEquals("t" + (i % 3), m.getTags(), "its own tag");
            assertEquals(mq.clusterName(), m.getProperty(MessageConst.PROPERTY_CLUSTER));
            assertArrayEquals(("request " + i).getBytes(StandardCharsets.UTF_8), m.getBody());
        }
    }

    @Test
    void withoutALimitOrWithoutItsClusterEveryRequestIsSentAlone() throws Exception {
        String topic = newTopic();
        int n = 40;
        Outcomes unlimited = new Outcomes(n);
        RequestBatcher noLimit = new RequestBatcher(client.producer(), 0);
        for (int i = 0; i < n; i++) {
            Message m = request(topic, i, true);
            noLimit.send(m, queueOf(topic), 10_000, unlimited.of(m));
        }
        Outcomes noCluster = new Outcomes(n);
        RequestBatcher limited = new RequestBatcher(client.producer(), 1);
        for (int i = n; i < 2 * n; i++) {
            Message m = request(topic, i, false);
            limited.send(m, queueOf(topic), 10_000, noCluster.of(m));
        }
        assertTrue(unlimited.all.await(60, TimeUnit.SECONDS));
        assertTrue(noCluster.all.await(60, TimeUnit.SECONDS));
        assertEquals(n, unlimited.sends(), "sendsInFlight 0: one send per request");
        assertEquals(n, noCluster.sends(), "no cluster named: one send per request");
        assertEquals(2 * n, readAll(topic, 2 * n).size());
    }

    @Test
    void aSendThatFailsFailsEachOfItsRequestsAndGivesItsSlotBack() throws Exception {
        String topic = newTopic();
        RequestBatcher batcher = new RequestBatcher(client.producer(), 1);
        MessageQueue nowhere = new MessageQueue(topic, "no-such-broker", 0);
        int n = 30;
        Outcomes outcomes = new Outcomes(n);
        for (int i = 0; i < n; i++) {
            Message m = request(topic, i, true);
            batcher.send(m, nowhere, 3_000, outcomes.of(m));
        }
        assertTrue(outcomes.all.await(60, TimeUnit.SECONDS), "every request heard its failure");
        AtomicInteger failures = new AtomicInteger();
        outcomes.heard.values().forEach(v -> {
            if (v instanceof Throwable) {
                failures.incrementAndGet();
            }
        });
        assertEquals(n, failures.get(), "no request of a failed send counts as sent");
        assertEquals(0, batcher.waiting());

        // The lane's slot came back: a good send to the same broker name does not queue forever,
        // and requests to a real broker still flow.
        Outcomes after = new Outcomes(2);
        Message again = request(topic, 100, true);
        batcher.send(again, nowhere, 3_000, after.of(again));
        Message good = request(topic, 101, true);
        batcher.send(good, queueOf(topic), 10_000, after.of(good));
        assertTrue(after.all.await(60, TimeUnit.SECONDS));
        assertTrue(after.heard.get(again) instanceof Throwable);
        assertTrue(after.heard.get(good) instanceof SendResult, String.valueOf(after.heard.get(good)));
    }

    @Test
    void manyThreadsSendingAtOnceLoseNothingAndDuplicateNothing() throws Exception {
        String topic = newTopic();
        RequestBatcher batcher = new RequestBatcher(client.producer(), 2);
        int threads = 8;
        int each = 50;
        Outcomes outcomes = new Outcomes(threads * each);
        Map<Integer, Message> all = new ConcurrentHashMap<>();
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * each;
            Thread s = new Thread(() -> {
                for (int i = base; i < base + each; i++) {
                    Message m = request(topic, i, true);
                    all.put(i, m);
                    batcher.send(m, queueOf(topic), 10_000, outcomes.of(m));
                }
            });
            senders.add(s);
            s.start();
        }
        for (Thread s : senders) {
            s.join();
        }
        assertTrue(outcomes.all.await(60, TimeUnit.SECONDS));
        for (Message m : all.values()) {
            assertTrue(outcomes.heard.get(m) instanceof SendResult);
        }
        List<MessageExt> stored = readAll(topic, threads * each);
        Set<String> keys = new java.util.HashSet<>();
        for (MessageExt m : stored) {
            assertTrue(keys.add(m.getKeys()), "stored twice: " + m.getKeys());
        }
        assertEquals(threads * each, keys.size());
    }

    @Test
    void aBrokerThatNeverAnswersHoldsItsQueueOnlyUntilTheSendTimesOut() throws Exception {
        String topic = newTopic();
        List<Socket> accepted = Collections.synchronizedList(new ArrayList<>());
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // reads nothing, answers nothing
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-broker");
            acceptor.setDaemon(true);
            acceptor.start();
            String name = "silent_" + UUID.randomUUID().toString().replace("-", "");
            brokerAddresses().put(name, new HashMap<>(Map.of(MixAll.MASTER_ID, "127.0.0.1:" + silent.getLocalPort())));
            MessageQueue queue = new MessageQueue(topic, name, 0);
            RequestBatcher batcher = new RequestBatcher(client.producer(), 1);
            Message first = request(topic, 0, true);
            Message second = request(topic, 1, true);
            Message third = request(topic, 2, true);
            Outcomes outcomes = new Outcomes(2);
            batcher.send(first, queue, 1_000, outcomes.of(first));
            batcher.send(second, queue, 1_000, outcomes.of(second));
            batcher.send(third, queue, 1_000, outcomes.of(third));
            assertEquals(2, batcher.waiting(), "the second and third wait behind the unanswered first");
            assertTrue(batcher.withdraw(second, queue), "a waiting request can be taken back");
            assertFalse(batcher.withdraw(second, queue), "once");

            assertTrue(outcomes.all.await(60, TimeUnit.SECONDS), "the hung send timed out and the queue moved on");
            assertTrue(outcomes.heard.get(first) instanceof Throwable, String.valueOf(outcomes.heard.get(first)));
            assertTrue(outcomes.heard.get(third) instanceof Throwable, String.valueOf(outcomes.heard.get(third)));
            assertFalse(outcomes.heard.containsKey(second), "a withdrawn request is never sent nor answered");
            assertEquals(0, batcher.waiting());
        } finally {
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    /** rocketmq-client's broker name to address table, where a test can add a broker that never answers. */
    @SuppressWarnings("unchecked")
    private static Map<String, HashMap<Long, String>> brokerAddresses() throws ReflectiveOperationException {
        Field table = MQClientInstance.class.getDeclaredField("brokerAddrTable");
        table.setAccessible(true);
        return (Map<String, HashMap<Long, String>>) table.get(client.instance());
    }
}
