package dev.ferry.serialization.fastjson2;

import com.alibaba.fastjson2.JSONReader;
import com.alibaba.fastjson2.reader.ObjectReaderProvider;
import dev.ferry.api.spi.ClassAllowlist;

import java.lang.ref.WeakReference;

/**
 * fastjson2's reader state for one allowlist: an {@code ObjectReaderProvider} of its own (so its
 * per-type reader cache and its cache of resolved type names never serve another allowlist),
 * with {@link DeclaredTypeGuard} registered ahead of fastjson2's own modules and
 * {@link AllowlistTypeFilter} as the only way a type name in the bytes becomes a class.
 */
final class AllowlistReaders {

    /**
     * Dubbo 3.3's reader features (with its default check that classes are Serializable).
     * Deliberately without {@code SupportAutoType}: type names are resolved by the filter alone.
     */
    private static final JSONReader.Feature[] FEATURES = {
            JSONReader.Feature.UseDefaultConstructorAsPossible,
            JSONReader.Feature.ErrorOnNoneSerializable,
            JSONReader.Feature.IgnoreAutoTypeNotMatch,
            JSONReader.Feature.UseNativeObject,
            JSONReader.Feature.FieldBased,
    };

    private final ObjectReaderProvider provider;
    private final AllowlistTypeFilter filter;
    private final DeclaredTypeGuard guard;

    /**
     * @param allowlist held weakly (see {@link dev.ferry.serialization.AllowlistCache}); a reader
     *                  holds it strongly while it reads
     */
    AllowlistReaders(ClassAllowlist allowlist, ClassLoader loader) {
        WeakReference<ClassAllowlist> weak = new WeakReference<>(allowlist);
        this.filter = new AllowlistTypeFilter(weak, loader);
        this.provider = new ObjectReaderProvider();
        this.guard = new DeclaredTypeGuard(weak);
        this.provider.register(guard);
        // Also consulted by paths that ask the provider rather than the reader's context.
        this.provider.setAutoTypeBeforeHandler(filter);
    }

    /** See {@link DeclaredTypeGuard#refusedDeclaredType(Class)}. */
    String refusedDeclaredType(Class<?> type) {
        return guard.refusedDeclaredType(type);
    }

    /** A fresh reading context (contexts are cheap and not shared between reads). */
    JSONReader.Context context() {
        return new JSONReader.Context(provider, filter, FEATURES);
    }
}
