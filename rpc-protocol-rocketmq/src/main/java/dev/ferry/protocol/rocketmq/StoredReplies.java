package dev.ferry.protocol.rocketmq;

import dev.ferry.core.codec.FrameHeader;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.impl.MQAdminImpl;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Finds the reply a provider stored for a request: brokers keep replies in the cluster's reply
 * topic ({@code storeReplyMessageEnable}, on by default) and index them by message key, which
 * Ferry sets to the request key. A request redelivered after its provider answered it is then
 * answered with that reply instead of running again.
 */
final class StoredReplies {

    private static final Logger log = LoggerFactory.getLogger(StoredReplies.class);
    private static final int MAX_REPLIES = 16;
    /** Brokers of a cluster store by their own clocks: look a little before the request. */
    private static final long CLOCK_SLACK_MILLIS = Duration.ofMinutes(1).toMillis();

    private final MQAdminImpl admin;

    StoredReplies(MQAdminImpl admin) {
        this.admin = admin;
    }

    /** The body of the latest reply stored for {@code request} (keyed {@code requestKey}), or null. */
    byte[] find(MessageExt request, String requestKey) {
        String cluster = request.getProperty(MessageConst.PROPERTY_CLUSTER);
        if (cluster == null || cluster.isEmpty() || requestKey == null) {
            return null;
        }
        String replyTopic = MixAll.getReplyTopic(cluster);
        MessageExt latest = null;
        try {
            for (MessageExt m : admin.queryMessage(replyTopic, requestKey, MAX_REPLIES,
                    request.getStoreTimestamp() - CLOCK_SLACK_MILLIS, Long.MAX_VALUE).getMessageList()) {
                if (requestKey.equals(m.getKeys()) && isReplyFrame(m.getBody())
                        && (latest == null || m.getStoreTimestamp() > latest.getStoreTimestamp())) {
                    latest = m;
                }
            }
        } catch (MQClientException e) {
            return null; // none stored (or the index is off): the request runs
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (RuntimeException e) {
            log.debug("cannot look up a stored reply for {}: {}", requestKey, e.toString());
            return null;
        }
        return latest == null ? null : latest.getBody();
    }

    private static boolean isReplyFrame(byte[] body) {
        return body != null && body.length >= FrameHeader.LENGTH && body[0] == FrameHeader.MAGIC_HIGH
                && body[1] == FrameHeader.MAGIC_LOW && (body[2] & FrameHeader.FLAG_REQUEST) == 0;
    }
}
