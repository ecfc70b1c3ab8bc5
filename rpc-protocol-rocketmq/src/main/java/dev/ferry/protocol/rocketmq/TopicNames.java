package dev.ferry.protocol.rocketmq;

import dev.ferry.api.ServiceKey;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Deterministic RocketMQ names for a service key. RocketMQ allows only {@code [A-Za-z0-9_-]}
 * (and {@code %|}) in topic and group names, and at most 127 characters in a topic, so the
 * readable part is sanitised and shortened, and a checksum of the exact key keeps two keys
 * that sanitise alike ({@code a.b} and {@code a_b}) apart.
 */
public final class TopicNames {

    static final int MAX_TOPIC_LENGTH = 127;
    private static final String TOPIC_PREFIX = "ferry_";
    private static final String GROUP_PREFIX = "ferry_provider_";

    private TopicNames() {
    }

    /** The request topic of {@code key}, e.g. {@code ferry_com_acme_Greeter_g-blue_v-1_0_3f2a9c1e}. */
    public static String topic(ServiceKey key) {
        return TOPIC_PREFIX + readable(key, MAX_TOPIC_LENGTH - TOPIC_PREFIX.length() - 9) + "_" + checksum(key);
    }

    /** The consumer group that the providers of {@code key} form. */
    public static String providerGroup(ServiceKey key) {
        return GROUP_PREFIX + readable(key, MAX_TOPIC_LENGTH - GROUP_PREFIX.length() - 9) + "_" + checksum(key);
    }

    private static String readable(ServiceKey key, int max) {
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
        // Keep the end: the simple class name tells more than the package.
        return sb.length() <= max ? sb.toString() : sb.substring(sb.length() - max);
    }

    private static void sanitise(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ? c : '_');
        }
    }

    private static String checksum(ServiceKey key) {
        CRC32 crc = new CRC32();
        crc.update((key.interfaceName() + "\n" + key.group() + "\n" + key.version()).getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }
}
