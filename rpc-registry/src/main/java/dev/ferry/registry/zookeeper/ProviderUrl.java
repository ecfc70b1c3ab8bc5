package dev.ferry.registry.zookeeper;

import dev.ferry.api.Endpoint;
import dev.ferry.api.ServiceKey;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A provider entry as Apache Dubbo writes it in ZooKeeper: the node name under
 * {@code /dubbo/<interface>/providers} is the URL-encoded text
 *
 * <pre>
 * dubbo://10.0.0.7:20880/a.Greeter?application=shop&amp;dubbo=2.0.2&amp;dynamic=true&amp;group=g
 *     &amp;interface=a.Greeter&amp;methods=hello,helloAsync&amp;prefer.serialization=hessian2
 *     &amp;serialization=hessian2&amp;side=provider&amp;timestamp=1700000000000&amp;version=1.0&amp;weight=50
 * </pre>
 *
 * <p>The registry's own keys ({@link #REGISTRY_KEYS}) describe the service; every other
 * parameter belongs to the {@link Endpoint}, so an endpoint goes into a node name and comes
 * back out equal. Ferry's {@code tag} parameter is written as Dubbo's {@code dubbo.tag}, so
 * Dubbo's tag router sees it. Inside the URL a key or value escapes every character other
 * than letters, digits and {@code -._~,:*$[]@!} as {@code %XX}; plain values (names, numbers,
 * comma lists) therefore read the same to Dubbo.
 *
 * @param service        the service; its interface is also the URL's path
 * @param endpoint       where the instance serves, with its parameters (weight, tag, …)
 * @param application    the application name, {@code ""} when unknown
 * @param methods        the service's method names, sorted, each once
 * @param serializations serializations the instance accepts, preferred first
 * @param timestamp      when the instance registered, in epoch milliseconds
 */
public record ProviderUrl(ServiceKey service, Endpoint endpoint, String application, List<String> methods,
                          List<String> serializations, long timestamp) {

    /** The Dubbo protocol version advertised, which tells Dubbo consumers the frame features to use. */
    public static final String DUBBO_PROTOCOL_VERSION = "2.0.2";
    /** Longest node name parsed. */
    public static final int MAX_NODE_NAME_LENGTH = 32 * 1024;

    /** Parameters that describe the service or the registration, never the endpoint. */
    public static final Set<String> REGISTRY_KEYS = Set.of("anyhost", "application", "background", "category",
            "deprecated", "dubbo", "dubbo.tag", "dynamic", "executor-management-mode", "file-cache", "generic", "group",
            "interface", "methods", "path", "pid", "prefer.serialization", "register-mode", "release", "serialization",
            "service-name-mapping", "side", "timestamp", "version");

    private static final String DUBBO_TAG = "dubbo.tag";

    public ProviderUrl {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(application, "application");
        methods = List.copyOf(new TreeSet<>(methods));
        serializations = List.copyOf(new LinkedHashSet<>(serializations));
        for (String m : methods) {
            checkListItem("method name", m);
        }
        for (String s : serializations) {
            checkListItem("serialization", s);
        }
        if (timestamp < 0) {
            throw new IllegalArgumentException("timestamp is negative: " + timestamp);
        }
        for (String key : endpoint.parameters().keySet()) {
            if (REGISTRY_KEYS.contains(key)) {
                throw new IllegalArgumentException("endpoint parameter '" + key + "' of " + endpoint
                        + " is reserved by the registry entry");
            }
        }
        String host = endpoint.host();
        if (!host.chars().allMatch(c -> c < 0x80 && (Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_'
                || c == ':' || c == '%'))) {
            throw new IllegalArgumentException("host '" + host + "' cannot be written in a registry entry");
        }
    }

    /**
     * Endpoint parameter: when the instance started serving (or registered), in epoch
     * milliseconds. It is the entry's {@link #timestamp()}, not one of its endpoint parameters.
     */
    public static final String TIMESTAMP = "timestamp";

    /**
     * The entry of {@code endpoint}: its {@value #TIMESTAMP} parameter, when it has one, becomes
     * the entry's timestamp (so consumers receive the endpoint exactly as exported); otherwise
     * {@code registeredAt} does.
     *
     * @throws IllegalArgumentException when the endpoint cannot be written as an entry
     */
    public static ProviderUrl of(ServiceKey service, Endpoint endpoint, String application, List<String> methods,
                                 List<String> serializations, long registeredAt) {
        String own = endpoint.parameters().get(TIMESTAMP);
        if (own == null) {
            return new ProviderUrl(service, endpoint, application, methods, serializations, registeredAt);
        }
        Map<String, String> params = new TreeMap<>(endpoint.parameters());
        params.remove(TIMESTAMP);
        return new ProviderUrl(service, new Endpoint(endpoint.protocol(), endpoint.host(), endpoint.port(), params),
                application, methods, serializations, timestamp(own));
    }

    /**
     * The endpoint as consumers receive it: the endpoint plus {@value #TIMESTAMP} (when known),
     * from which weighted load balancers count an instance's warm-up, as with Apache Dubbo's
     * provider URLs. For an entry made by {@link #of} this is the endpoint as exported.
     */
    public Endpoint consumerEndpoint() {
        return timestamp > 0 ? endpoint.withParameter(TIMESTAMP, String.valueOf(timestamp)) : endpoint;
    }

    /** The URL text, before the node name's outer encoding. */
    public String toText() {
        Map<String, String> params = new TreeMap<>();
        for (Map.Entry<String, String> e : endpoint.parameters().entrySet()) {
            params.put(e.getKey().equals(Endpoint.TAG) ? DUBBO_TAG : e.getKey(), e.getValue());
        }
        putIfNotEmpty(params, "application", application);
        params.put("dubbo", DUBBO_PROTOCOL_VERSION);
        params.put("dynamic", "true");
        putIfNotEmpty(params, "group", service.group());
        putIfNotEmpty(params, "version", service.version());
        params.put("interface", service.interfaceName());
        putIfNotEmpty(params, "methods", String.join(",", methods));
        if (!serializations.isEmpty()) {
            params.put("serialization", serializations.get(0));
            params.put("prefer.serialization", String.join(",", serializations));
        }
        params.put("side", "provider");
        params.put("timestamp", String.valueOf(timestamp));
        StringBuilder sb = new StringBuilder(endpoint.protocol()).append("://").append(endpoint.address())
                .append('/').append(escape(service.interfaceName()));
        char sep = '?';
        for (Map.Entry<String, String> e : params.entrySet()) {
            sb.append(sep).append(escape(e.getKey())).append('=').append(escape(e.getValue()));
            sep = '&';
        }
        return sb.toString();
    }

    /** The ZooKeeper node name: {@link #toText()} URL-encoded, as Dubbo's {@code URL.encode}. */
    public String toNodeName() {
        return URLEncoder.encode(toText(), StandardCharsets.UTF_8);
    }

    /**
     * Reads a node name written by Ferry or by Apache Dubbo.
     *
     * @throws IllegalArgumentException naming what is wrong with the name
     */
    public static ProviderUrl parse(String nodeName) {
        Objects.requireNonNull(nodeName, "nodeName");
        if (nodeName.length() > MAX_NODE_NAME_LENGTH) {
            throw new IllegalArgumentException("provider entry of " + nodeName.length() + " characters is longer than "
                    + MAX_NODE_NAME_LENGTH);
        }
        String text;
        try {
            text = URLDecoder.decode(nodeName, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("provider entry is not URL-encoded: " + e.getMessage());
        }
        int scheme = text.indexOf("://");
        if (scheme <= 0) {
            throw new IllegalArgumentException("provider entry has no protocol://");
        }
        String protocol = text.substring(0, scheme);
        String rest = text.substring(scheme + 3);
        int q = rest.indexOf('?');
        String query = q >= 0 ? rest.substring(q + 1) : "";
        String location = q >= 0 ? rest.substring(0, q) : rest;
        int slash = location.indexOf('/');
        String address = slash >= 0 ? location.substring(0, slash) : location;
        String path = slash >= 0 ? unescape(location.substring(slash + 1)) : "";

        Map<String, String> params = new TreeMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("provider entry has a parameter without a value: '" + abbreviate(pair) + "'");
            }
            String key = unescape(pair.substring(0, eq));
            if (params.put(key, unescape(pair.substring(eq + 1))) != null) {
                throw new IllegalArgumentException("provider entry sets '" + abbreviate(key) + "' twice");
            }
        }

        String interfaceName = params.getOrDefault("interface", path);
        if (interfaceName.isBlank()) {
            throw new IllegalArgumentException("provider entry names no interface");
        }
        ServiceKey service = new ServiceKey(interfaceName, params.get("group"), params.get("version"));

        Map<String, String> endpointParams = new TreeMap<>();
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (!REGISTRY_KEYS.contains(e.getKey())) {
                endpointParams.put(e.getKey(), e.getValue());
            }
        }
        String tag = params.get(DUBBO_TAG);
        if (tag != null) {
            endpointParams.put(Endpoint.TAG, tag);
        }
        Endpoint endpoint = endpoint(protocol, address, endpointParams);

        List<String> serializations = params.containsKey("prefer.serialization")
                ? list(params.get("prefer.serialization"))
                : params.containsKey("serialization") ? list(params.get("serialization")) : List.of();
        return new ProviderUrl(service, endpoint, params.getOrDefault("application", ""),
                list(params.getOrDefault("methods", "")), serializations, timestamp(params.get("timestamp")));
    }

    private static Endpoint endpoint(String protocol, String address, Map<String, String> params) {
        String host;
        String portText;
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0 || close + 1 >= address.length() || address.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("provider entry has a malformed address '" + abbreviate(address) + "'");
            }
            host = address.substring(1, close);
            portText = address.substring(close + 2);
        } else {
            int colon = address.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("provider entry has no port in '" + abbreviate(address) + "'");
            }
            host = address.substring(0, colon);
            portText = address.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("provider entry has no host");
        }
        if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("provider entry has a malformed port '" + abbreviate(portText) + "'");
        }
        return new Endpoint(protocol, host, Integer.parseInt(portText), params);
    }

    private static long timestamp(String text) {
        if (text == null) {
            return 0;
        }
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("provider entry has a malformed timestamp '" + abbreviate(text) + "'");
        }
        return Long.parseLong(text);
    }

    private static List<String> list(String commaSeparated) {
        List<String> out = new ArrayList<>();
        for (String s : commaSeparated.split(",")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    private static void putIfNotEmpty(Map<String, String> params, String key, String value) {
        if (!value.isEmpty()) {
            params.put(key, value);
        }
    }

    private static void checkListItem(String what, String item) {
        if (item.isBlank() || item.indexOf(',') >= 0) {
            throw new IllegalArgumentException(what + " '" + item + "' is blank or holds a comma");
        }
    }

    // ------------------------------------------------------------------ escaping inside the URL

    private static boolean plain(int c) {
        return c < 0x80 && (Character.isLetterOrDigit(c) || "-._~,:*$[]@!".indexOf(c) >= 0);
    }

    private static String escape(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (plain(c)) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                  .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    // Percent-decoding only: a '+' stays a '+', as Dubbo writes values raw.
    private static String unescape(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '%') {
                out.write(bytes[i]);
                continue;
            }
            int hi = i + 2 < bytes.length ? Character.digit(bytes[i + 1], 16) : -1;
            int lo = i + 2 < bytes.length ? Character.digit(bytes[i + 2], 16) : -1;
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("provider entry has a malformed escape in '" + abbreviate(s) + "'");
            }
            out.write(hi << 4 | lo);
            i += 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }

    @Override
    public String toString() {
        return toText();
    }
}
