package dev.ferry.protocol.dubbo.interop;

/** The business exception {@link InteropService#fail} throws. */
public class InteropException extends Exception {
    private static final long serialVersionUID = 1L;

    public InteropException() {
    }

    public InteropException(String message) {
        super(message);
    }
}
