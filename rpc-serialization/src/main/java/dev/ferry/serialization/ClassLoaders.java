package dev.ferry.serialization;

/** Which class loader resolves class names read from the bytes. */
public final class ClassLoaders {

    private ClassLoaders() {
    }

    /**
     * {@code configured} when given; else the calling thread's context class loader (as Dubbo
     * does, so application classes resolve in containers); else {@code owner}'s loader; else the
     * system class loader.
     */
    public static ClassLoader resolving(ClassLoader configured, Class<?> owner) {
        if (configured != null) {
            return configured;
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = owner.getClassLoader();
        }
        return loader != null ? loader : ClassLoader.getSystemClassLoader();
    }
}
