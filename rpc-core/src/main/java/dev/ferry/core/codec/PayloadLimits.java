package dev.ferry.core.codec;

/**
 * What a provider's {@link dev.ferry.api.spi.DecodeContext} tells the {@link DubboCodec} about
 * the size of requests a service accepts. A context without it gets the codec's own limit.
 */
@FunctionalInterface
public interface PayloadLimits {

    /**
     * The largest request body, in bytes, for the services of {@code interfaceName} (the largest
     * of their limits when several groups or versions are exported), or {@code 0} when unknown.
     */
    int payloadLimit(String interfaceName);
}
