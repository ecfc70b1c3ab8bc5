package dev.ferry.api.spi;

import java.util.List;

/**
 * What a protocol needs to know about a service beyond its invoker.
 *
 * @param serializations names of the serializations the service accepts, preferred first;
 *                       a request written with any other is refused
 * @param tag            routing tag of this instance, {@code ""} when untagged
 * @param weight         relative weight of this instance
 */
public record ExportOptions(List<String> serializations, String tag, int weight) {

    public ExportOptions {
        serializations = List.copyOf(serializations);
        if (serializations.isEmpty()) {
            throw new IllegalArgumentException("a service must accept at least one serialization");
        }
        tag = tag == null ? "" : tag;
        if (weight < 0) {
            throw new IllegalArgumentException("weight is negative: " + weight);
        }
    }
}
