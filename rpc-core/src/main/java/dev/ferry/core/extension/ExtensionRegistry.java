package dev.ferry.core.extension;

import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Side;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the implementations of each extension point with {@link ServiceLoader} and hands them
 * out by the name in their {@link Extension} annotation. One instance per name, created on
 * first use; a user's own implementation on the classpath is picked by its name like a
 * built-in one, and {@link #register} adds one programmatically.
 */
public final class ExtensionRegistry {

    private static final ExtensionRegistry SHARED = new ExtensionRegistry(ExtensionRegistry.class.getClassLoader());

    private final ClassLoader classLoader;
    private final Map<Class<?>, Map<String, Entry<?>>> byPoint = new ConcurrentHashMap<>();

    public ExtensionRegistry(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    /** The registry of the classes visible to Ferry's own class loader. */
    public static ExtensionRegistry shared() {
        return SHARED;
    }

    /**
     * The implementation of {@code point} named {@code name}.
     *
     * @throws IllegalArgumentException naming the known implementations when none has that name
     */
    public <T> T get(Class<T> point, String name) {
        Entry<?> e = entries(point).get(name);
        if (e == null) {
            throw new IllegalArgumentException("no " + point.getSimpleName() + " named '" + name + "'; known: "
                    + entries(point).keySet() + " (an implementation is listed in META-INF/services/"
                    + point.getName() + " and annotated @Extension(\"" + name + "\"))");
        }
        return point.cast(e.instance());
    }

    /** True when an implementation of {@code point} is named {@code name}. */
    public boolean has(Class<?> point, String name) {
        return entries(point).containsKey(name);
    }

    /** Names of the implementations of {@code point}, sorted. */
    public List<String> names(Class<?> point) {
        return List.copyOf(entries(point).keySet());
    }

    /**
     * The implementations of {@code point} that are active on {@code side} without being named,
     * plus those named in {@code extraNames}, in {@link Extension#order()}.
     */
    public <T> List<T> activated(Class<T> point, Side side, List<String> extraNames) {
        List<Entry<?>> chosen = new ArrayList<>();
        for (Entry<?> e : entries(point).values()) {
            if (Arrays.asList(e.activeOn).contains(side) || extraNames.contains(e.name)) {
                chosen.add(e);
            }
        }
        for (String name : extraNames) {
            get(point, name); // fails clearly on an unknown name
        }
        chosen.sort(Comparator.comparingInt((Entry<?> e) -> e.order).thenComparing(e -> e.name));
        List<T> out = new ArrayList<>(chosen.size());
        for (Entry<?> e : chosen) {
            out.add(point.cast(e.instance()));
        }
        return out;
    }

    /** Adds (or replaces) an implementation under {@code name}. */
    public <T> void register(Class<T> point, String name, T instance) {
        Extension ann = instance.getClass().getAnnotation(Extension.class);
        int order = ann == null ? 0 : ann.order();
        Side[] sides = ann == null ? new Side[0] : ann.activeOn();
        Entry<T> e = new Entry<>(name, order, sides, null);
        e.instance = instance;
        entries(point).put(name, e);
    }

    /** The {@link Extension#order()} of an implementation; 0 when it has no annotation. */
    public static int orderOf(Object extension) {
        Extension ann = extension.getClass().getAnnotation(Extension.class);
        return ann == null ? 0 : ann.order();
    }

    /** The {@link Extension#value()} of an implementation, or its simple class name. */
    public static String nameOf(Object extension) {
        Extension ann = extension.getClass().getAnnotation(Extension.class);
        return ann == null ? extension.getClass().getSimpleName() : ann.value();
    }

    private Map<String, Entry<?>> entries(Class<?> point) {
        // Looked up per call (a load balancer by name): the loaded case allocates nothing.
        Map<String, Entry<?>> loaded = byPoint.get(point);
        return loaded != null ? loaded : byPoint.computeIfAbsent(point, this::load);
    }

    private Map<String, Entry<?>> load(Class<?> point) {
        Map<String, Entry<?>> found = new ConcurrentHashMap<>();
        // stream() gives the types without instantiating them, so an unused broken extension costs nothing.
        ServiceLoader.load(point, classLoader).stream().forEach(provider -> {
            Class<?> type = provider.type();
            Extension ann = type.getAnnotation(Extension.class);
            if (ann == null) {
                throw new IllegalStateException(type.getName() + " is listed as a " + point.getSimpleName()
                        + " but has no @Extension name");
            }
            Entry<?> previous = found.putIfAbsent(ann.value(), new Entry<>(ann.value(), ann.order(), ann.activeOn(), provider));
            if (previous != null) {
                throw new IllegalStateException("two " + point.getSimpleName() + " implementations are named '"
                        + ann.value() + "': " + type.getName() + " and another on the classpath");
            }
        });
        return new ConcurrentHashMap<>(new TreeMap<>(found));
    }

    private static final class Entry<T> {
        final String name;
        final int order;
        final Side[] activeOn;
        final ServiceLoader.Provider<T> provider;
        volatile Object instance;

        Entry(String name, int order, Side[] activeOn, ServiceLoader.Provider<T> provider) {
            this.name = name;
            this.order = order;
            this.activeOn = activeOn;
            this.provider = provider;
        }

        Object instance() {
            Object i = instance;
            if (i == null) {
                synchronized (this) {
                    i = instance;
                    if (i == null) {
                        i = provider.get();
                        instance = i;
                    }
                }
            }
            return i;
        }
    }
}
