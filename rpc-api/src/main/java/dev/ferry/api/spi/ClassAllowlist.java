package dev.ferry.api.spi;

/**
 * Decides which classes a deserializer may instantiate. Deserializers ask before they load
 * or create anything, so a refused class is never instantiated.
 */
@FunctionalInterface
public interface ClassAllowlist {

    /** True when instances of {@code className} may be created from received bytes. */
    boolean allows(String className);
}
