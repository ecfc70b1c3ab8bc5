package dev.ferry.serialization;

import dev.ferry.api.spi.ClassAllowlist;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One value per {@link ClassAllowlist}, keyed by the allowlist's identity and held weakly: a
 * serialization keeps its per-allowlist reader state (hessian-lite's serializer factory,
 * fastjson2's reader provider) here, and an allowlist no longer used is forgotten together with
 * that state.
 *
 * <p>The value must not hold its allowlist strongly, or the entry keeps its own key alive: hold
 * it in a {@link WeakReference} and let the reader that uses the value hold the allowlist.
 *
 * <p>Thread-safe.
 *
 * @param <V> the per-allowlist value
 */
public final class AllowlistCache<V> {

    private final ConcurrentHashMap<Object, V> values = new ConcurrentHashMap<>();
    private final ReferenceQueue<ClassAllowlist> cleared = new ReferenceQueue<>();
    private final Function<ClassAllowlist, V> factory;

    /** @param factory makes the value for an allowlist seen for the first time */
    public AllowlistCache(Function<ClassAllowlist, V> factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** The value for {@code allowlist}, made on first use. */
    public V get(ClassAllowlist allowlist) {
        Objects.requireNonNull(allowlist, "allowlist");
        V value = values.get(new Lookup(allowlist));
        if (value != null) {
            return value;
        }
        expunge();
        return values.computeIfAbsent(new WeakKey(allowlist, cleared), key -> factory.apply(allowlist));
    }

    /** Number of allowlists with a value (including ones collected but not yet expunged). */
    int size() {
        return values.size();
    }

    private void expunge() {
        Reference<? extends ClassAllowlist> reference;
        while ((reference = cleared.poll()) != null) {
            values.remove(reference);
        }
    }

    /** Identity of an allowlist, strong (for lookups) or weak (stored). */
    private interface IdentityKey {
        Object referent();
    }

    private static boolean sameReferent(IdentityKey self, int hash, Object other) {
        if (!(other instanceof IdentityKey key) || other.hashCode() != hash) {
            return false;
        }
        Object referent = self.referent();
        return referent != null && referent == key.referent();
    }

    private static final class Lookup implements IdentityKey {
        private final ClassAllowlist allowlist;
        private final int hash;

        Lookup(ClassAllowlist allowlist) {
            this.allowlist = allowlist;
            this.hash = System.identityHashCode(allowlist);
        }

        @Override
        public Object referent() {
            return allowlist;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return other == this || sameReferent(this, hash, other);
        }
    }

    private static final class WeakKey extends WeakReference<ClassAllowlist> implements IdentityKey {
        private final int hash;

        WeakKey(ClassAllowlist allowlist, ReferenceQueue<ClassAllowlist> queue) {
            super(allowlist, queue);
            this.hash = System.identityHashCode(allowlist);
        }

        @Override
        public Object referent() {
            return get();
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return other == this || sameReferent(this, hash, other);
        }
    }
}
