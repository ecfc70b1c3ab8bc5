package dev.ferry.protocol.rocketmq;

import java.time.Instant;

/**
 * One stored reply of a call, with its frame decoded. A reply that had to be sent again (a
 * redelivered request answered from the provider's memory, a send retried on another broker)
 * is stored more than once.
 *
 * @param messageId     the broker's message id
 * @param broker        the broker that stores it
 * @param storedAt      when the broker stored it
 * @param correlationId the correlation id of the request attempt it answers
 * @param requestId     the request id in the frame header
 * @param status        the Dubbo status byte (20: the call reached the service)
 * @param value         the returned value (status 20, no exception)
 * @param exception     the exception the service threw (status 20), or null
 * @param errorMessage  the error a non-20 status carries, or null
 * @param problem       why the frame was not decoded, or null
 */
public record AuditedReply(String messageId, String broker, Instant storedAt, String correlationId, long requestId,
                           byte status, Object value, Throwable exception, String errorMessage, String problem) {

    /** Whether the call reached the service (a value or the service's own exception). */
    public boolean reachedService() {
        return status == 20;
    }
}
