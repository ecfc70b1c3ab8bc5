package dev.ferry.api;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where an invoker sends calls: a protocol, a host and a port, plus a few instance
 * properties (weight, tag, transport-specific names) in {@link #parameters()}.
 *
 * <p>Its text form is {@code protocol://host:port?key=value&key=value}, which is what
 * {@code @RpcReference(url = …)} and a registry entry hold.
 *
 * @param protocol   protocol name, e.g. {@code dubbo}
 * @param host       host name or IP literal
 * @param port       port, {@code 0} where the protocol has none
 * @param parameters instance properties, never null, unmodifiable
 */
public record Endpoint(String protocol, String host, int port, Map<String, String> parameters) {

    /** Parameter holding the instance's relative weight. */
    public static final String WEIGHT = "weight";
    /** Parameter holding the instance's routing tag. */
    public static final String TAG = "tag";

    public Endpoint {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(host, "host");
        if (protocol.isEmpty() || !protocol.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '.')) {
            throw new IllegalArgumentException("invalid protocol name: '" + protocol + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        parameters = parameters == null || parameters.isEmpty()
                ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(parameters));
    }

    public Endpoint(String protocol, String host, int port) {
        this(protocol, host, port, Map.of());
    }

    /** {@code host:port}. */
    public String address() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    /** The value of a parameter, or {@code fallback} when absent. */
    public String parameter(String key, String fallback) {
        return parameters.getOrDefault(key, fallback);
    }

    /** This endpoint with one more parameter. */
    public Endpoint withParameter(String key, String value) {
        Map<String, String> copy = new TreeMap<>(parameters);
        copy.put(key, value);
        return new Endpoint(protocol, host, port, copy);
    }

    /**
     * Parses {@code protocol://host:port?k=v&k=v}.
     *
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    public static Endpoint parse(String text) {
        Objects.requireNonNull(text, "endpoint text");
        String s = text.trim();
        int scheme = s.indexOf("://");
        if (scheme <= 0) {
            throw new IllegalArgumentException("endpoint '" + text + "' has no protocol (expected protocol://host:port)");
        }
        String protocol = s.substring(0, scheme);
        String rest = s.substring(scheme + 3);
        Map<String, String> params = new TreeMap<>();
        int q = rest.indexOf('?');
        if (q >= 0) {
            for (String pair : rest.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("endpoint '" + text + "' has a malformed parameter '" + pair + "'");
                }
                params.put(decode(pair.substring(0, eq), text), decode(pair.substring(eq + 1), text));
            }
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            rest = rest.substring(0, slash);
        }
        String host;
        String portText;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("endpoint '" + text + "' has an unclosed IPv6 literal");
            }
            host = rest.substring(1, close);
            portText = rest.length() > close + 1 && rest.charAt(close + 1) == ':' ? rest.substring(close + 2) : "";
        } else {
            int colon = rest.lastIndexOf(':');
            host = colon >= 0 ? rest.substring(0, colon) : rest;
            portText = colon >= 0 ? rest.substring(colon + 1) : "";
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("endpoint '" + text + "' has no host");
        }
        int port = 0;
        if (!portText.isEmpty()) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("endpoint '" + text + "' has a non-numeric port '" + portText + "'");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("endpoint '" + text + "' has a port out of range: " + port);
            }
        }
        return new Endpoint(protocol, host, port, params);
    }

    private static String decode(String s, String whole) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("endpoint '" + whole + "' has a malformed escape in '" + s + "'");
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(protocol).append("://").append(address());
        char sep = '?';
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            sb.append(sep).append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
              .append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        return sb.toString();
    }
}
