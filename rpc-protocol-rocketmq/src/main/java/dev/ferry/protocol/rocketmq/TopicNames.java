package dev.ferry.protocol.rocketmq;

import dev.ferry.api.ServiceKey;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Deterministic RocketMQ names for a service key. RocketMQ allows only {@code [A-Za-z0-9_-]}
 * (and {@code %|}) in topic and group names, and at most 127 characters in a topic, so the
 * readable part is sanitised and shortened, and a checksum of the exact key keeps two keys
 * that sanitise alike ({@code a.b} and {@code a_b}) apart.
 *
 * <p>Tags: the untagged providers of a service form the group {@link #providerGroup(ServiceKey)}
 * and subscribe to the message tag {@link #UNTAGGED}; the providers tagged {@code t} form the
 * group {@link #providerGroup(ServiceKey, String) providerGroup(key, t)} and subscribe to the
 * message tag {@code t}. RocketMQ requires every consumer of one group to subscribe alike, so
 * each tag needs its own group.
 */
public final class TopicNames {

    static final int MAX_TOPIC_LENGTH = 127;
    /** Longest routing tag accepted. */
    public static final int MAX_TAG_LENGTH = 64;
    /**
     * The message tag of a call meant for untagged providers. It holds a character a Ferry tag
     * cannot hold, so no tagged provider ever subscribes to it.
     */
    public static final String UNTAGGED = "~untagged";

    private static final String TOPIC_PREFIX = "ferry_";
    private static final String GROUP_PREFIX = "ferry_provider_";

    private TopicNames() {
    }

    /** The request topic of {@code key}, e.g. {@code ferry_com_acme_Greeter_g-blue_v-1_0_3f2a9c1e}. */
    public static String topic(ServiceKey key) {
        return TOPIC_PREFIX + readable(key, "", MAX_TOPIC_LENGTH - TOPIC_PREFIX.length() - 9) + "_" + checksum(key, "");
    }

    /** The consumer group that the untagged providers of {@code key} form. */
    public static String providerGroup(ServiceKey key) {
        return providerGroup(key, "");
    }

    /**
     * The consumer group that the providers of {@code key} tagged {@code tag} form; for the
     * empty tag, {@link #providerGroup(ServiceKey)}.
     *
     * @throws IllegalArgumentException if {@code tag} is not a valid tag
     */
    public static String providerGroup(ServiceKey key, String tag) {
        String t = tag == null || tag.isEmpty() ? "" : checkTag(tag);
        return GROUP_PREFIX + readable(key, t, MAX_TOPIC_LENGTH - GROUP_PREFIX.length() - 9) + "_" + checksum(key, t);
    }

    /** The RocketMQ subscription expression of providers tagged {@code tag} (empty: untagged). */
    static String subscription(String tag) {
        return tag == null || tag.isEmpty() ? UNTAGGED : checkTag(tag);
    }

    /**
     * Checks a routing tag: 1 to {@value #MAX_TAG_LENGTH} letters, digits, {@code .},
     * {@code -} or {@code _} (what {@code @RpcService(tag)} and {@code @RpcReference(tag)} accept).
     *
     * @return {@code tag}
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String checkTag(String tag) {
        if (tag == null || tag.isEmpty()) {
            throw new IllegalArgumentException("tag is empty");
        }
        if (tag.length() > MAX_TAG_LENGTH) {
            throw new IllegalArgumentException("tag is longer than " + MAX_TAG_LENGTH + " characters");
        }
        for (int i = 0; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_')) {
                throw new IllegalArgumentException("tag may hold only letters, digits, '.', '-' and '_'; found "
                        + (Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : "'" + c + "'"));
            }
        }
        return tag;
    }

    private static String readable(ServiceKey key, String tag, int max) {
        StringBuilder sb = new StringBuilder();
        sanitise(sb, key.interfaceName());
        if (!key.group().isEmpty()) {
            sb.append("_g-");
            sanitise(sb, key.group());
        }
        if (!key.version().isEmpty()) {
            sb.append("_v-");
            sanitise(sb, key.version());
        }
        if (!tag.isEmpty()) {
            sb.append("_t-");
            sanitise(sb, tag);
        }
        // Keep the end: the simple class name (and the tag) tell more than the package.
        return sb.length() <= max ? sb.toString() : sb.substring(sb.length() - max);
    }

    private static void sanitise(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ? c : '_');
        }
    }

    private static String checksum(ServiceKey key, String tag) {
        CRC32 crc = new CRC32();
        String exact = key.interfaceName() + "\n" + key.group() + "\n" + key.version() + (tag.isEmpty() ? "" : "\n" + tag);
        crc.update(exact.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }
}
