package dev.ferry.examples.benchmark.rocketmq;

import dev.ferry.protocol.rocketmq.embedded.ConsumerReadiness;
import dev.ferry.protocol.rocketmq.embedded.EmbeddedRocketMq;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.utils.MessageUtil;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

import java.time.Duration;
import java.util.UUID;

/**
 * The baseline: rocketmq-client 5.4.0's own request-reply with nothing on top — a producer's
 * synchronous {@code request()} and a push consumer that answers each request with
 * {@code MessageUtil.createReplyMessage} sent by a producer. It sends the very bytes Ferry
 * sends for the same call and answers with the very bytes Ferry answers with, so the two
 * sides differ only by what Ferry does.
 */
final class RawRequestReply implements AutoCloseable {

    private final String topic;
    private final byte[] request;
    private final DefaultMQProducer requester;
    private final DefaultMQProducer replier;
    private final DefaultMQPushConsumer responder;

    RawRequestReply(EmbeddedRocketMq mq, int consumeThreads, byte[] request, byte[] reply) throws Exception {
        this.topic = "bench_raw_" + UUID.randomUUID().toString().substring(0, 8);
        this.request = request;
        mq.createTopic(topic, 4);

        replier = new DefaultMQProducer("bench_raw_replier");
        replier.setNamesrvAddr(mq.nameServerAddress());
        replier.setInstanceName("bench-raw-replier-" + UUID.randomUUID());
        replier.start();

        responder = new DefaultMQPushConsumer("bench_raw_responder");
        responder.setNamesrvAddr(mq.nameServerAddress());
        responder.setInstanceName("bench-raw-responder-" + UUID.randomUUID());
        responder.setConsumeThreadMin(consumeThreads);
        responder.setConsumeThreadMax(consumeThreads);
        responder.setConsumeMessageBatchMaxSize(1);
        responder.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        responder.subscribe(topic, "*");
        responder.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                try {
                    replier.send(MessageUtil.createReplyMessage(m, reply), 3000);
                } catch (Exception e) {
                    return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        responder.start();
        ConsumerReadiness.await(responder, topic, Duration.ofSeconds(30));

        requester = new DefaultMQProducer("bench_raw_requester");
        requester.setNamesrvAddr(mq.nameServerAddress());
        requester.setInstanceName("bench-raw-requester-" + UUID.randomUUID());
        requester.start();
        mq.awaitRequester(requester, Duration.ofSeconds(30));
    }

    /** One synchronous request-reply. */
    Call call() {
        return () -> {
            Message reply = requester.request(new Message(topic, request), 10_000);
            if (reply == null || reply.getBody() == null) {
                throw new IllegalStateException("no reply");
            }
        };
    }

    /** Shuts the three clients down in parallel (each takes up to 3 s). */
    @Override
    public void close() throws InterruptedException {
        Thread[] stoppers = {new Thread(responder::shutdown), new Thread(requester::shutdown), new Thread(replier::shutdown)};
        for (Thread t : stoppers) {
            t.start();
        }
        for (Thread t : stoppers) {
            t.join(10_000);
        }
    }
}
