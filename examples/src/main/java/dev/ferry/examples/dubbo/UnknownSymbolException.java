package dev.ferry.examples.dubbo;

/** The business exception of {@link QuoteService}: it reaches the caller with its class and message. */
public class UnknownSymbolException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnknownSymbolException() {
    }

    public UnknownSymbolException(String message) {
        super(message);
    }
}
