package dev.ferry.protocol.dubbo;

/** A business exception declared by {@link Greeter}. */
public class GreetingException extends Exception {
    private static final long serialVersionUID = 1L;

    public GreetingException(String message) {
        super(message);
    }
}
