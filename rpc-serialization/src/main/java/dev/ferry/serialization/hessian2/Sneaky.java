package dev.ferry.serialization.hessian2;

/**
 * Throws a checked exception through a hessian-lite method whose signature cannot declare it
 * (e.g. a {@link dev.ferry.serialization.ClassRefusedException} out of
 * {@code SerializerFactory.getDeserializer(String)}, which declares only
 * {@code HessianProtocolException}). hessian-lite's read path has no {@code catch} on the way
 * out for these, and {@link Hessian2ObjectInput} turns whatever arrives into an
 * {@link java.io.IOException}.
 */
final class Sneaky {

    private Sneaky() {
    }

    /** Throws {@code t}; declared to return so callers can write {@code throw Sneaky.sneak(t)}. */
    static RuntimeException sneak(Throwable t) {
        return Sneaky.<RuntimeException>doThrow(t);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T doThrow(Throwable t) throws T {
        throw (T) t;
    }
}
