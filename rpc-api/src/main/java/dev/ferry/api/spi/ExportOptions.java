package dev.ferry.api.spi;

import java.util.List;
import java.util.Objects;

/**
 * What a protocol needs to know about a service beyond its invoker.
 *
 * @param serializations  names of the serializations the service accepts, preferred first;
 *                        a request written with any other is refused (so is Java native
 *                        serialization, {@code "java"}, unless named here)
 * @param tag             routing tag of this instance, {@code ""} when untagged
 * @param weight          relative weight of this instance
 * @param payloadLimit    largest request or reply body of this service, in bytes, or
 *                        {@link #PROTOCOL_PAYLOAD_LIMIT} for the protocol's own limit (8 MiB
 *                        unless the protocol is configured otherwise); the protocol's limit
 *                        still applies when it is lower
 * @param allowedClasses  binary names of classes that requests (and the service's replies, when
 *                        this side calls it) may carry beyond those the service interface names
 * @param allowedPackages package prefixes whose classes may be carried likewise
 */
public record ExportOptions(List<String> serializations, String tag, int weight, int payloadLimit,
                            List<String> allowedClasses, List<String> allowedPackages) {

    /** {@link #payloadLimit()} of a service that has none of its own: the protocol's applies. */
    public static final int PROTOCOL_PAYLOAD_LIMIT = 0;

    public ExportOptions {
        serializations = List.copyOf(serializations);
        if (serializations.isEmpty()) {
            throw new IllegalArgumentException("a service must accept at least one serialization");
        }
        tag = tag == null ? "" : tag;
        if (weight < 0) {
            throw new IllegalArgumentException("weight is negative: " + weight);
        }
        if (payloadLimit < 0) {
            throw new IllegalArgumentException("payload limit is negative: " + payloadLimit);
        }
        allowedClasses = names(allowedClasses, "allowed class");
        allowedPackages = names(allowedPackages, "allowed package");
    }

    /** Options with the protocol's payload limit and nothing allowed beyond the interface's own types. */
    public ExportOptions(List<String> serializations, String tag, int weight) {
        this(serializations, tag, weight, PROTOCOL_PAYLOAD_LIMIT, List.of(), List.of());
    }

    private static List<String> names(List<String> names, String what) {
        List<String> copy = List.copyOf(names == null ? List.of() : names);
        for (String name : copy) {
            Objects.requireNonNull(name, what);
            if (name.isBlank()) {
                throw new IllegalArgumentException(what + " is blank");
            }
        }
        return copy;
    }
}
