package dev.ferry.registry.metadata;

import dev.ferry.api.ServiceKey;

import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What a service offers: its key and its methods with their parameter and return types.
 * Providers publish it when they export; tools and consumers read it to list services.
 *
 * <p>Stored as UTF-8 text, fields separated by tabs, one record a line:
 *
 * <pre>
 * ferry-metadata/1
 * service  &lt;interface&gt;  &lt;group&gt;  &lt;version&gt;
 * method   &lt;name&gt;  &lt;return type&gt;  &lt;parameter type&gt;…
 * </pre>
 *
 * <p>A field escapes {@code %}, tab, CR and LF as {@code %25 %09 %0D %0A}; nothing else.
 *
 * @param service the service
 * @param methods its methods, sorted by name then parameter types
 */
public record ServiceMetadata(ServiceKey service, List<MethodDescriptor> methods) {

    /** First line of the stored form. */
    public static final String HEADER = "ferry-metadata/1";
    /** Largest stored form accepted, in bytes. */
    public static final int MAX_BYTES = 1 << 20;
    /** Most methods accepted in a stored form. */
    public static final int MAX_METHODS = 10_000;

    private static final Comparator<MethodDescriptor> ORDER = Comparator.comparing(MethodDescriptor::name)
            .thenComparing(m -> String.join(",", m.parameterTypes()));

    public ServiceMetadata {
        Objects.requireNonNull(service, "service");
        List<MethodDescriptor> sorted = new ArrayList<>(methods);
        sorted.sort(ORDER);
        methods = List.copyOf(sorted);
    }

    /** The metadata of {@code type}'s public instance methods, served as {@code key}. */
    public static ServiceMetadata of(ServiceKey key, Class<?> type) {
        return new ServiceMetadata(key, Arrays.stream(type.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() != Object.class)
                .map(MethodDescriptor::of)
                .distinct()
                .toList());
    }

    /** The method names, sorted, each once. */
    public List<String> methodNames() {
        return methods.stream().map(MethodDescriptor::name).distinct().toList();
    }

    /** The stored form. */
    public byte[] encode() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        sb.append("service\t").append(escape(service.interfaceName())).append('\t').append(escape(service.group()))
          .append('\t').append(escape(service.version())).append('\n');
        for (MethodDescriptor m : methods) {
            sb.append("method\t").append(escape(m.name())).append('\t').append(escape(m.returnType()));
            for (String p : m.parameterTypes()) {
                sb.append('\t').append(escape(p));
            }
            sb.append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads the stored form.
     *
     * @throws IllegalArgumentException naming what is wrong with the data
     */
    public static ServiceMetadata parse(byte[] data) {
        Objects.requireNonNull(data, "data");
        if (data.length > MAX_BYTES) {
            throw new IllegalArgumentException("metadata of " + data.length + " bytes is longer than " + MAX_BYTES);
        }
        String[] lines = new String(data, StandardCharsets.UTF_8).split("\n", -1);
        if (!lines[0].equals(HEADER)) {
            throw new IllegalArgumentException("metadata does not start with '" + HEADER + "'");
        }
        ServiceKey key = null;
        List<MethodDescriptor> methods = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "service" -> {
                    if (key != null) {
                        throw new IllegalArgumentException("metadata line " + (i + 1) + ": a second service line");
                    }
                    if (f.length != 4) {
                        throw new IllegalArgumentException("metadata line " + (i + 1) + ": a service line has 4 fields, not " + f.length);
                    }
                    try {
                        key = new ServiceKey(unescape(f[1], i), unescape(f[2], i), unescape(f[3], i));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("metadata line " + (i + 1) + ": " + e.getMessage(), e);
                    }
                }
                case "method" -> {
                    if (f.length < 3) {
                        throw new IllegalArgumentException("metadata line " + (i + 1) + ": a method line has at least 3 fields");
                    }
                    if (methods.size() == MAX_METHODS) {
                        throw new IllegalArgumentException("metadata lists more than " + MAX_METHODS + " methods");
                    }
                    List<String> params = new ArrayList<>(f.length - 3);
                    for (int p = 3; p < f.length; p++) {
                        params.add(unescape(f[p], i));
                    }
                    try {
                        methods.add(new MethodDescriptor(unescape(f[1], i), params, unescape(f[2], i)));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("metadata line " + (i + 1) + ": " + e.getMessage(), e);
                    }
                }
                default -> throw new IllegalArgumentException("metadata line " + (i + 1) + " starts with an unknown record '"
                        + (f[0].length() > 20 ? f[0].substring(0, 20) + "…" : f[0]) + "'");
            }
        }
        if (key == null) {
            throw new IllegalArgumentException("metadata names no service");
        }
        return new ServiceMetadata(key, methods);
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '%' -> sb.append("%25");
                case '\t' -> sb.append("%09");
                case '\n' -> sb.append("%0A");
                case '\r' -> sb.append("%0D");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String unescape(String s, int line) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            String code = i + 3 <= s.length() ? s.substring(i + 1, i + 3) : "";
            switch (code) {
                case "25" -> sb.append('%');
                case "09" -> sb.append('\t');
                case "0A" -> sb.append('\n');
                case "0D" -> sb.append('\r');
                default -> throw new IllegalArgumentException("metadata line " + (line + 1) + ": unknown escape '%" + code + "'");
            }
            i += 2;
        }
        return sb.toString();
    }
}
