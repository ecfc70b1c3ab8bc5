package dev.ferry.protocol.rocketmq;

import java.util.List;

/**
 * Everything the brokers store about one call: its request message(s) and reply message(s),
 * oldest first.
 *
 * @param requestKey the call's request key
 * @param requests   its stored requests (one per attempt that reached a broker)
 * @param replies    its stored replies
 */
public record AuditTrail(String requestKey, List<AuditedRequest> requests, List<AuditedReply> replies) {

    public AuditTrail {
        requests = List.copyOf(requests);
        replies = List.copyOf(replies);
    }

    /** Whether a request with this key is stored. */
    public boolean found() {
        return !requests.isEmpty();
    }

    /** Whether a reply to it is stored. */
    public boolean answered() {
        return !replies.isEmpty();
    }

    /** A readable account, one line per message. */
    public String describe() {
        StringBuilder sb = new StringBuilder("request key ").append(requestKey).append(": ");
        if (!found()) {
            return sb.append("no stored request").toString();
        }
        sb.append(requests.size()).append(" request(s), ").append(replies.size()).append(" reply(ies)");
        for (AuditedRequest r : requests) {
            sb.append("\n  request ").append(r.messageId()).append(" on ").append(r.broker()).append(" at ")
              .append(r.storedAt()).append(": ").append(r.service()).append('#').append(r.method());
            if (r.arguments() != null) {
                sb.append(r.arguments());
            }
            if (r.deadline() != null) {
                sb.append(", deadline ").append(r.deadline());
            }
            if (r.problem() != null) {
                sb.append(" (not decoded: ").append(r.problem()).append(')');
            }
        }
        for (AuditedReply r : replies) {
            sb.append("\n  reply   ").append(r.messageId()).append(" on ").append(r.broker()).append(" at ")
              .append(r.storedAt()).append(": status ").append(r.status());
            if (r.problem() != null) {
                sb.append(" (not decoded: ").append(r.problem()).append(')');
            } else if (r.exception() != null) {
                sb.append(", threw ").append(r.exception());
            } else if (r.errorMessage() != null) {
                sb.append(", error ").append(r.errorMessage());
            } else {
                sb.append(", returned ").append(r.value());
            }
        }
        return sb.toString();
    }
}
