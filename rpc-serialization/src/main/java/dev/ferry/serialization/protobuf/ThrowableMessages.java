package dev.ferry.serialization.protobuf;

import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.protobuf.wire.StackFrame;
import dev.ferry.serialization.protobuf.wire.ThrowableMessage;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code Throwable} as Dubbo's protobuf serialization writes one (class name, message, stack
 * trace, cause), and back: as the original class when the allowlist allows it and it can be
 * constructed from a message, else as a {@link ProtobufRemoteException}. A refused class is
 * never loaded.
 */
final class ThrowableMessages {

    /** Longer cause chains are cut: a chain is data from the peer. */
    static final int MAX_CAUSES = 64;

    private ThrowableMessages() {
    }

    static ThrowableMessage toMessage(Throwable throwable) {
        List<Throwable> chain = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = throwable; t != null && chain.size() < MAX_CAUSES && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            chain.add(t);
        }
        ThrowableMessage message = null;
        for (int i = chain.size() - 1; i >= 0; i--) {
            Throwable t = chain.get(i);
            ThrowableMessage.Builder builder = ThrowableMessage.newBuilder()
                    .setOriginalClassName(t.getClass().getName())
                    .setOriginalMessage(t.getMessage() == null ? "" : t.getMessage());
            for (StackTraceElement e : t.getStackTrace()) {
                StackFrame.Builder frame = StackFrame.newBuilder()
                        .setClassName(e.getClassName())
                        .setMethodName(e.getMethodName())
                        .setLineNumber(e.getLineNumber());
                if (e.getFileName() != null) {
                    frame.setFileName(e.getFileName());
                }
                builder.addStackTrace(frame);
            }
            if (message != null) {
                builder.setCause(message);
            }
            message = builder.build();
        }
        return message;
    }

    static Throwable fromMessage(ThrowableMessage message, ClassAllowlist allowlist, ClassLoader loader) {
        List<ThrowableMessage> chain = new ArrayList<>();
        for (ThrowableMessage m = message; m != null && chain.size() < MAX_CAUSES; m = m.hasCause() ? m.getCause() : null) {
            chain.add(m);
        }
        Throwable cause = null;
        for (int i = chain.size() - 1; i >= 0; i--) {
            cause = recreate(chain.get(i), cause, allowlist, loader);
        }
        return cause;
    }

    private static Throwable recreate(ThrowableMessage m, Throwable cause, ClassAllowlist allowlist, ClassLoader loader) {
        String name = m.getOriginalClassName();
        String text = m.getOriginalMessage();
        Throwable t = null;
        if (!name.isEmpty() && !DefaultClassAllowlist.isKnownGadget(name) && allowlist.allows(name)) {
            t = construct(name, text, cause, loader);
        }
        if (t == null) {
            t = new ProtobufRemoteException(name, text, cause);
        }
        StackTraceElement[] stack = new StackTraceElement[m.getStackTraceCount()];
        for (int i = 0; i < stack.length; i++) {
            StackFrame f = m.getStackTrace(i);
            stack[i] = new StackTraceElement(f.getClassName(), f.getMethodName(),
                    f.getFileName().isEmpty() ? null : f.getFileName(), f.getLineNumber());
        }
        t.setStackTrace(stack);
        return t;
    }

    /** An instance of the allowed class {@code name} from its message constructors, or null. */
    private static Throwable construct(String name, String text, Throwable cause, ClassLoader loader) {
        Class<?> type;
        try {
            type = Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
        if (!Throwable.class.isAssignableFrom(type) || Modifier.isAbstract(type.getModifiers())) {
            return null;
        }
        String message = text.isEmpty() ? null : text;
        try {
            Constructor<?> withCause = type.getConstructor(String.class, Throwable.class);
            return (Throwable) withCause.newInstance(message, cause);
        } catch (NoSuchMethodException e) {
            // try the message-only constructor
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
        try {
            Throwable t = (Throwable) type.getConstructor(String.class).newInstance(message);
            if (cause != null && t.getCause() == null) {
                t.initCause(cause);
            }
            return t;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
