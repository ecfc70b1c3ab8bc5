package dev.ferry.protocol.rocketmq;

/**
 * What one exported service's provider did since it started, for monitoring and tests.
 *
 * @param received      request messages delivered to it (redeliveries included)
 * @param executed      requests it ran (each request key at most once while remembered)
 * @param expired       requests dropped unrun because their deadline had passed when they
 *                      arrived (RocketMQ never enforces a message's time to live)
 * @param duplicates    redelivered requests answered from memory instead of running again
 * @param recovered     inherited requests (stored before this provider held their queue, or
 *                      redelivered from the retry queue) answered with the reply an earlier
 *                      provider had stored, instead of running again
 * @param overran       requests that ran past their deadline (acknowledged without a reply:
 *                      the caller had stopped waiting)
 * @param replyFailures replies that could not be sent; each left its request to be redelivered
 * @param rejected      messages that were not a valid call for this service (answered with an
 *                      error when the caller could be told)
 */
public record RocketMqProviderStats(long received, long executed, long expired, long duplicates, long recovered,
                                    long overran, long replyFailures, long rejected) {
}
