package dev.ferry.serialization.fastjson2;

import dev.ferry.serialization.ClassRefusedException;

/**
 * Carries a {@link ClassRefusedException} out of fastjson2 code whose signatures cannot declare
 * it. Not a {@code JSONException}, so no fastjson2 handler of its own errors can mistake it for
 * malformed input and carry on; {@link Fastjson2ObjectInput} unwraps it.
 */
final class RefusedClass extends RuntimeException {

    private static final long serialVersionUID = 1L;

    RefusedClass(ClassRefusedException refusal) {
        super(refusal.getMessage(), refusal, false, false);
    }

    ClassRefusedException refusal() {
        return (ClassRefusedException) getCause();
    }
}
