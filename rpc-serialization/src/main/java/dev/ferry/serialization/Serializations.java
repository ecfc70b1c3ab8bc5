package dev.ferry.serialization;

import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Serialization;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The serializations on the class path, found with {@link ServiceLoader} (each lists itself in
 * {@code META-INF/services/dev.ferry.api.spi.Serialization} and carries an {@link Extension}
 * name), looked up by wire id or by name.
 *
 * <p>Ids are the five low bits of the frame's flag byte, so they run from 0 to 31. Two
 * implementations with one id or one name, a missing {@code @Extension}, or an id out of range
 * fail the first lookup with an {@link IllegalStateException} naming the classes: a decoder
 * must never guess which format a frame is in.
 */
public final class Serializations {

    private static final int ID_COUNT = 32;

    private static volatile Serializations shared;

    private final Serialization[] byId;
    private final String[] names;
    private final Map<String, Serialization> byName;
    private final List<Serialization> all;

    private Serializations(Registry r) {
        this.byId = r.byId;
        this.names = r.names;
        this.byName = r.byName;
        this.all = r.all;
    }

    /** The serializations visible to Ferry's own class loader, loaded once per JVM. */
    public static Serializations load() {
        Serializations current = shared;
        if (current == null) {
            synchronized (Serializations.class) {
                current = shared;
                if (current == null) {
                    current = load(Serializations.class.getClassLoader());
                    shared = current;
                }
            }
        }
        return current;
    }

    /** The serializations {@code loader} can see. */
    public static Serializations load(ClassLoader loader) {
        return new Serializations(registry(loader));
    }

    /** The serialization with wire id {@code id}, or null when none is installed. */
    public Serialization byId(byte id) {
        return id >= 0 && id < ID_COUNT ? byId[id] : null;
    }

    /**
     * The serialization named {@code name} (e.g. {@code "hessian2"}).
     *
     * @throws IllegalArgumentException when none has that name; the message lists the names known
     */
    public Serialization byName(String name) {
        Serialization serialization = name == null ? null : byName.get(name);
        if (serialization == null) {
            throw new IllegalArgumentException("unknown serialization '" + name + "'; known: "
                    + String.join(", ", byName.keySet()));
        }
        return serialization;
    }

    /** The name of the serialization with wire id {@code id}, or null when none is installed. */
    public String nameOf(byte id) {
        return id >= 0 && id < ID_COUNT ? names[id] : null;
    }

    /** Every installed serialization, in id order. */
    public List<Serialization> all() {
        return all;
    }

    private static Registry registry(ClassLoader loader) {
        Serialization[] byId = new Serialization[ID_COUNT];
        String[] names = new String[ID_COUNT];
        Map<String, Serialization> byName = new LinkedHashMap<>();
        for (Serialization serialization : ServiceLoader.load(Serialization.class, loader)) {
            Class<?> type = serialization.getClass();
            Extension extension = type.getAnnotation(Extension.class);
            if (extension == null) {
                throw new IllegalStateException("serialization " + type.getName()
                        + " has no @Extension name");
            }
            String name = extension.value();
            int id = serialization.id();
            if (id < 0 || id >= ID_COUNT) {
                throw new IllegalStateException("serialization " + type.getName() + " ('" + name
                        + "') has id " + id + "; ids must be 0-31 (five bits of the frame header)");
            }
            if (byId[id] != null) {
                throw new IllegalStateException("serializations " + byId[id].getClass().getName()
                        + " and " + type.getName() + " both have id " + id);
            }
            Serialization previous = byName.putIfAbsent(name, serialization);
            if (previous != null) {
                throw new IllegalStateException("serializations " + previous.getClass().getName()
                        + " and " + type.getName() + " are both named '" + name + "'");
            }
            byId[id] = serialization;
            names[id] = name;
        }
        List<Serialization> all = new ArrayList<>();
        for (Serialization serialization : byId) {
            if (serialization != null) {
                all.add(serialization);
            }
        }
        return new Registry(byId, names, Collections.unmodifiableMap(byName), List.copyOf(all));
    }

    private record Registry(Serialization[] byId, String[] names, Map<String, Serialization> byName,
                            List<Serialization> all) {
    }
}
