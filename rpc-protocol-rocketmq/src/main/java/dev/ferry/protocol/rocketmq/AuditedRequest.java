package dev.ferry.protocol.rocketmq;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One stored request message of a call (a call retried on another broker has several), as the
 * broker keeps it, with its frame decoded.
 *
 * @param messageId     the broker's message id
 * @param topic         the request topic
 * @param broker        the broker that stores it
 * @param storedAt      when the broker stored it
 * @param correlationId RocketMQ's correlation id of this attempt; its reply carries the same
 * @param requestId     the request id in the frame header
 * @param service       the service key the message properties name
 * @param method        the method name
 * @param arguments     the decoded arguments; null when the frame was not decoded (see
 *                      {@code problem})
 * @param deadline      when the caller stopped waiting; null when the message has none
 * @param messageTag    the RocketMQ tag: which providers could take it (a routing tag, or
 *                      {@code ~untagged})
 * @param properties    every user property of the message (Ferry's and the caller's)
 * @param problem       why the frame was not decoded (service interface unknown to the audit,
 *                      a refused class, a malformed frame), or null
 */
public record AuditedRequest(String messageId, String topic, String broker, Instant storedAt, String correlationId,
                             long requestId, String service, String method, List<Object> arguments, Instant deadline,
                             String messageTag, Map<String, String> properties, String problem) {
}
