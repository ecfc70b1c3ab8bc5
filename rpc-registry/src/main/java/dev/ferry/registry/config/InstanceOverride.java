package dev.ferry.registry.config;

import dev.ferry.api.Endpoint;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An operator's change to one provider instance, applied by consumers on top of what the
 * instance registered: a new weight, or taking it out of rotation.
 *
 * <p>Stored as text, one {@code key=value} per line; blank lines and lines starting with
 * {@code #} are ignored:
 *
 * <pre>
 * weight=20
 * disabled=false
 * </pre>
 *
 * @param weight   the weight consumers use instead of the registered one; empty to keep it
 * @param disabled true to take the instance out of consumers' lists
 */
public record InstanceOverride(OptionalInt weight, boolean disabled) {

    /** Largest weight accepted: weights are summed by load balancers and must not overflow. */
    public static final int MAX_WEIGHT = 1_000_000;
    /** Largest stored form accepted, in bytes. */
    public static final int MAX_TEXT_BYTES = 4096;

    public InstanceOverride {
        Objects.requireNonNull(weight, "weight");
        if (weight.isPresent() && (weight.getAsInt() < 0 || weight.getAsInt() > MAX_WEIGHT)) {
            throw new IllegalArgumentException("weight " + weight.getAsInt() + " is outside 0.." + MAX_WEIGHT);
        }
    }

    /** An override setting the weight. */
    public static InstanceOverride weight(int weight) {
        return new InstanceOverride(OptionalInt.of(weight), false);
    }

    /** An override taking the instance out of rotation. */
    public static InstanceOverride disable() {
        return new InstanceOverride(OptionalInt.empty(), true);
    }

    /** The endpoint consumers should use, or empty when the instance is disabled. */
    public Optional<Endpoint> applyTo(Endpoint endpoint) {
        if (disabled) {
            return Optional.empty();
        }
        return Optional.of(weight.isPresent()
                ? endpoint.withParameter(Endpoint.WEIGHT, String.valueOf(weight.getAsInt())) : endpoint);
    }

    /** The stored form. */
    public byte[] encode() {
        StringBuilder sb = new StringBuilder();
        weight.ifPresent(w -> sb.append("weight=").append(w).append('\n'));
        sb.append("disabled=").append(disabled).append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads the stored form.
     *
     * @throws IllegalArgumentException naming what is wrong: an unknown or repeated key, a
     *         value out of range, text that is too long
     */
    public static InstanceOverride parse(byte[] data) {
        Objects.requireNonNull(data, "data");
        if (data.length > MAX_TEXT_BYTES) {
            throw new IllegalArgumentException("override of " + data.length + " bytes is longer than " + MAX_TEXT_BYTES);
        }
        Integer weight = null;
        Boolean disabled = null;
        for (String raw : new String(data, StandardCharsets.UTF_8).split("\n", -1)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("override line '" + abbreviate(line) + "' is not key=value");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            switch (key) {
                case "weight" -> {
                    if (weight != null) {
                        throw new IllegalArgumentException("override sets weight twice");
                    }
                    weight = parseWeight(value);
                }
                case "disabled" -> {
                    if (disabled != null) {
                        throw new IllegalArgumentException("override sets disabled twice");
                    }
                    if (!value.equals("true") && !value.equals("false")) {
                        throw new IllegalArgumentException("override disabled='" + abbreviate(value) + "' is neither true nor false");
                    }
                    disabled = Boolean.parseBoolean(value);
                }
                default -> throw new IllegalArgumentException("override has an unknown key '" + abbreviate(key) + "'");
            }
        }
        if (weight == null && disabled == null) {
            throw new IllegalArgumentException("override sets neither weight nor disabled");
        }
        return new InstanceOverride(weight == null ? OptionalInt.empty() : OptionalInt.of(weight),
                disabled != null && disabled);
    }

    private static int parseWeight(String value) {
        if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("override weight '" + abbreviate(value) + "' is not a number in 0.." + MAX_WEIGHT);
        }
        int w = Integer.parseInt(value);
        if (w > MAX_WEIGHT) {
            throw new IllegalArgumentException("override weight " + w + " is outside 0.." + MAX_WEIGHT);
        }
        return w;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
