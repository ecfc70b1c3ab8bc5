package dev.ferry.protocol.rocketmq;

import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageQueue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends request messages, gathering those that would wait into batches. While
 * {@code sendsInFlight} sends to one queue await the broker's acknowledgement, later requests
 * for that queue wait; when a send is acknowledged (or fails), the next send takes every waiting
 * request, up to {@link #MAX_BATCH_MESSAGES} and {@link #MAX_BATCH_BYTES}, as one batch, which
 * the broker stores as separate messages in one write. A request waits only while the sends
 * before it are in flight, never for company: a lightly loaded client sends each request at
 * once, and under load one broker round trip carries many requests instead of one each.
 * Batches form per queue, not per broker, so requests stay on the queues the caller chose, and
 * a burst of calls still spreads over the provider instances that own those queues.
 *
 * <p>A batch is all or nothing: it is stored whole or fails whole, and each request of a failed
 * batch hears the failure. The broker adds no properties to the messages of a batch, so only a
 * message that names its cluster ({@code CLUSTER}, which a provider needs to address its reply)
 * is batched; any other, and any message larger than a batch, is sent alone.
 */
final class RequestBatcher {

    /** Most requests in one batch. */
    static final int MAX_BATCH_MESSAGES = 64;
    /** Most bytes (bodies and properties) in one batch: far below the broker's message limit. */
    static final int MAX_BATCH_BYTES = 256 * 1024;

    private final DefaultMQProducer producer;
    private final int sendsInFlight;
    private final Map<MessageQueue, Lane> lanes = new ConcurrentHashMap<>();

    /** @param sendsInFlight sends per queue awaiting acknowledgement; 0: no limit, no batches */
    RequestBatcher(DefaultMQProducer producer, int sendsInFlight) {
        this.producer = producer;
        this.sendsInFlight = sendsInFlight;
    }

    /** Whether requests may travel in batches (and so must name their cluster themselves). */
    boolean batches() {
        return sendsInFlight > 0;
    }

    /**
     * Sends {@code msg} to {@code queue}'s broker, now or in the next batch; {@code callback}
     * hears whether the broker stored it.
     */
    void send(Message msg, MessageQueue queue, long timeoutMillis, SendCallback callback) {
        Pending p = new Pending(msg, queue, timeoutMillis, callback, sizeOf(msg));
        if (sendsInFlight == 0 || p.size > MAX_BATCH_BYTES || msg.getProperty(MessageConst.PROPERTY_CLUSTER) == null) {
            sendAlone(p);
            return;
        }
        Lane lane = lanes.computeIfAbsent(queue, k -> new Lane());
        synchronized (lane) {
            if (lane.inFlight >= sendsInFlight) {
                lane.waiting.add(p);
                return;
            }
            lane.inFlight++;
        }
        run(lane, List.of(p));
    }

    /**
     * Takes {@code msg} back if it is still waiting for a send, so it will never be sent;
     * false if it was sent already (or is being sent).
     */
    boolean withdraw(Message msg, MessageQueue queue) {
        Lane lane = lanes.get(queue);
        if (lane == null) {
            return false;
        }
        synchronized (lane) {
            for (Iterator<Pending> it = lane.waiting.iterator(); it.hasNext(); ) {
                if (it.next().msg == msg) {
                    it.remove();
                    return true;
                }
            }
        }
        return false;
    }

    /** Requests waiting for a send, over every broker and topic. */
    int waiting() {
        int n = 0;
        for (Lane lane : lanes.values()) {
            synchronized (lane) {
                n += lane.waiting.size();
            }
        }
        return n;
    }

    private void sendAlone(Pending p) {
        try {
            producer.send(p.msg, p.queue, p.callback, p.timeout);
        } catch (Exception e) {
            p.callback.onException(e);
        }
    }

    /** Sends {@code batch}, then each batch that a send failing at once leaves to this thread. */
    private void run(Lane lane, List<Pending> batch) {
        while (batch != null) {
            Throwable failed = dispatch(lane, batch);
            if (failed == null) {
                return;
            }
            for (Pending p : batch) {
                p.callback.onException(failed);
            }
            batch = next(lane);
        }
    }

    /**
     * Starts sending {@code batch}; the failure if it could not even start. The next batch goes
     * out as this one is answered, before its requests hear the answer.
     */
    private Throwable dispatch(Lane lane, List<Pending> batch) {
        SendCallback done = new SendCallback() {
            @Override
            public void onSuccess(SendResult result) {
                run(lane, next(lane));
                for (Pending p : batch) {
                    p.callback.onSuccess(result);
                }
            }

            @Override
            public void onException(Throwable e) {
                run(lane, next(lane));
                for (Pending p : batch) {
                    p.callback.onException(e);
                }
            }
        };
        Pending first = batch.get(0);
        try {
            if (batch.size() == 1) {
                producer.send(first.msg, first.queue, done, first.timeout);
            } else {
                List<Message> msgs = new ArrayList<>(batch.size());
                long timeout = 0;
                for (Pending p : batch) {
                    msgs.add(p.msg);
                    timeout = Math.max(timeout, p.timeout);
                }
                producer.send(msgs, first.queue, done, timeout);
            }
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    /** The next batch of {@code lane}, keeping its send slot; null (slot given back) when none waits. */
    private static List<Pending> next(Lane lane) {
        synchronized (lane) {
            if (lane.waiting.isEmpty()) {
                lane.inFlight--;
                return null;
            }
            List<Pending> batch = new ArrayList<>(Math.min(lane.waiting.size(), MAX_BATCH_MESSAGES));
            int bytes = 0;
            while (!lane.waiting.isEmpty() && batch.size() < MAX_BATCH_MESSAGES
                    && bytes + lane.waiting.peek().size <= MAX_BATCH_BYTES) {
                Pending p = lane.waiting.poll();
                bytes += p.size;
                batch.add(p);
            }
            return batch;
        }
    }

    /** About what the message takes in a batch: body, properties, fixed fields. */
    private static int sizeOf(Message msg) {
        int size = (msg.getBody() == null ? 0 : msg.getBody().length) + 64;
        for (Map.Entry<String, String> e : msg.getProperties().entrySet()) {
            size += e.getKey().length() + e.getValue().length() + 2;
        }
        return size;
    }

    /** The sends to one queue. */
    private static final class Lane {
        final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        int inFlight;
    }

    private record Pending(Message msg, MessageQueue queue, long timeout, SendCallback callback, int size) {
    }
}
