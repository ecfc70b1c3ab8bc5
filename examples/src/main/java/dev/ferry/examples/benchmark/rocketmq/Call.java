package dev.ferry.examples.benchmark.rocketmq;

/** One synchronous request-reply round trip of one side of the comparison. */
@FunctionalInterface
interface Call {

    /** Makes one call; throws when it failed. */
    void run() throws Exception;
}
