package dev.ferry.cluster.router;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Router;
import dev.ferry.api.spi.Side;
import dev.ferry.cluster.ClusterOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * Dubbo's static tag routing (gray release). An instance's tag is its {@link Endpoint#TAG}
 * parameter; a call's tag is {@link CallOptions#TAG}, or else the attachment {@code dubbo.tag}
 * (so a tag set through {@code RpcContext} or sent by a Dubbo consumer works too).
 * <ul>
 *   <li>A tagged call goes to the instances with its tag. When there is none it falls back to
 *       the untagged instances, unless the call forces its tag ({@link ClusterOptions#FORCE_TAG}
 *       or the attachment {@code dubbo.force.tag=true}), in which case nothing is left.</li>
 *   <li>An untagged call goes only to untagged instances: tagged ones are kept for their
 *       traffic.</li>
 * </ul>
 * Instances whose endpoint says the transport routes tags itself
 * ({@link #TRANSPORT_ROUTED} = {@code transport}, as a broker that filters by message tag
 * does) are left for the transport to decide and always kept.
 */
@Extension(value = "tag", order = 100, activeOn = Side.CONSUMER)
public final class TagRouter implements Router {

    /** The attachment carrying a call's tag, Dubbo's key. */
    public static final String TAG_ATTACHMENT = "dubbo.tag";
    /** The attachment forcing a call's tag, Dubbo's key. */
    public static final String FORCE_TAG_ATTACHMENT = "dubbo.force.tag";
    /** Endpoint parameter that, set to {@code transport}, leaves tag routing to the transport. */
    public static final String TRANSPORT_ROUTED = "tag.routing";

    @Override
    public List<Invoker> route(List<Invoker> invokers, Invocation invocation) {
        if (invokers.isEmpty()) {
            return invokers;
        }
        String tag = tagOf(invocation);
        List<Invoker> matching = new ArrayList<>(invokers.size());
        List<Invoker> untagged = new ArrayList<>(invokers.size());
        for (Invoker i : invokers) {
            Endpoint e = i.endpoint();
            if ("transport".equals(e.parameters().get(TRANSPORT_ROUTED))) {
                matching.add(i);
                untagged.add(i);
                continue;
            }
            String own = e.parameters().getOrDefault(Endpoint.TAG, "");
            if (own.isEmpty()) {
                untagged.add(i);
            } else if (own.equals(tag)) {
                matching.add(i);
            }
        }
        if (tag.isEmpty()) {
            return untagged.size() == invokers.size() ? invokers : untagged;
        }
        if (!matching.isEmpty() || forced(invocation)) {
            return matching.size() == invokers.size() ? invokers : matching;
        }
        return untagged;
    }

    /** The tag of a call: its option, else its {@code dubbo.tag} attachment, else empty. */
    public static String tagOf(Invocation invocation) {
        String tag = invocation.options().get(CallOptions.TAG);
        if (tag != null && !tag.isEmpty()) {
            return tag;
        }
        Object attached = invocation.attachments().get(TAG_ATTACHMENT);
        return attached == null ? "" : attached.toString();
    }

    private static boolean forced(Invocation invocation) {
        if (Boolean.TRUE.equals(invocation.options().get(ClusterOptions.FORCE_TAG))) {
            return true;
        }
        Object attached = invocation.attachments().get(FORCE_TAG_ATTACHMENT);
        return attached != null && Boolean.parseBoolean(attached.toString());
    }
}
