package dev.ferry.cluster.loadbalance;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.RpcException;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.LoadBalance;
import dev.ferry.cluster.ClusterOptions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Dubbo's {@code consistenthash}: calls with the same hashed arguments
 * ({@link ClusterOptions#HASH_ARGUMENTS}, the first by default) go to the same instance, and
 * when an instance leaves only the calls that went to it move. The ring is ketama-style, as
 * Dubbo builds it: {@link ClusterOptions#HASH_NODES} (160) virtual nodes per instance, four per
 * MD5 digest of {@code host:port + i}; a call's key is the concatenated text of its hashed
 * arguments. Built from the same addresses, the ring places keys exactly where Dubbo's does.
 *
 * <p>The ring of each service method is rebuilt only when its set of instances changes
 * (Dubbo compares list identity, which here would rebuild it on every call). Weights are not
 * used, as in Dubbo.
 */
@Extension("consistenthash")
public final class ConsistentHashLoadBalance implements LoadBalance {

    /** Upper bound on virtual nodes per instance, against a configuration typo building a huge ring. */
    public static final int MAX_NODES = 10_000;

    private final ConcurrentMap<String, Ring> rings = new ConcurrentHashMap<>();

    @Override
    public Invoker select(List<Invoker> invokers, Invocation invocation) {
        int nodes = nodesOf(invocation);
        List<Integer> arguments = invocation.options().get(ClusterOptions.HASH_ARGUMENTS);
        if (arguments == null || arguments.isEmpty()) {
            arguments = ClusterOptions.HASH_ARGUMENTS.defaultValue();
        }
        if (invokers.size() == 1) {
            return invokers.get(0);
        }
        String method = invocation.serviceKey() + "#" + invocation.methodName();
        List<String> members = new ArrayList<>(invokers.size());
        for (Invoker i : invokers) {
            members.add(i.endpoint().toString());
        }
        Set<String> signature = Set.copyOf(members);
        Ring ring = rings.get(method);
        if (ring == null || ring.nodes != nodes || !ring.members.equals(signature)) {
            ring = new Ring(invokers, signature, nodes);
            rings.put(method, ring);
        }
        String chosen = ring.select(keyOf(invocation.arguments(), arguments));
        for (Invoker i : invokers) {
            if (i.endpoint().toString().equals(chosen)) {
                return i;
            }
        }
        // Another thread replaced the ring for a different list meanwhile: use one built for ours.
        chosen = new Ring(invokers, signature, nodes).select(keyOf(invocation.arguments(), arguments));
        for (Invoker i : invokers) {
            if (i.endpoint().toString().equals(chosen)) {
                return i;
            }
        }
        return invokers.get(0);
    }

    private static int nodesOf(Invocation invocation) {
        Integer nodes = invocation.options().get(ClusterOptions.HASH_NODES);
        if (nodes == null || nodes < 1 || nodes > MAX_NODES) {
            throw new RpcException(RpcException.Code.CLIENT_ERROR, "hash.nodes must be 1.." + MAX_NODES + ", was " + nodes);
        }
        return nodes;
    }

    /** The text hashed for a call: the chosen arguments' {@code String.valueOf}, concatenated; indexes out of range are skipped. */
    static String keyOf(Object[] args, List<Integer> indexes) {
        StringBuilder sb = new StringBuilder();
        for (Integer i : indexes) {
            if (i != null && i >= 0 && i < args.length) {
                sb.append(args[i]);
            }
        }
        return sb.toString();
    }

    static long hash(byte[] digest, int number) {
        return (((long) (digest[3 + number * 4] & 0xFF) << 24)
                | ((long) (digest[2 + number * 4] & 0xFF) << 16)
                | ((long) (digest[1 + number * 4] & 0xFF) << 8)
                | (digest[number * 4] & 0xFF))
                & 0xFFFFFFFFL;
    }

    static byte[] md5(String text) {
        try {
            return MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }

    private static final class Ring {
        final Set<String> members;
        final int nodes;
        final TreeMap<Long, String> ring = new TreeMap<>();

        Ring(List<Invoker> invokers, Set<String> members, int nodes) {
            this.members = members;
            this.nodes = nodes;
            // Dubbo hashes host:port; two invokers on one address (RocketMQ variants) get distinct names.
            Map<String, Integer> seen = new HashMap<>();
            for (Invoker invoker : invokers) {
                String address = invoker.endpoint().address();
                int n = seen.merge(address, 1, Integer::sum);
                String name = n == 1 ? address : address + "#" + n;
                for (int i = 0; i < Math.max(1, nodes / 4); i++) {
                    byte[] digest = md5(name + i);
                    for (int h = 0; h < 4; h++) {
                        ring.put(hash(digest, h), invoker.endpoint().toString());
                    }
                }
            }
        }

        String select(String key) {
            Map.Entry<Long, String> e = ring.ceilingEntry(hash(md5(key), 0));
            return (e != null ? e : ring.firstEntry()).getValue();
        }
    }
}
