package dev.ferry.api.spi;

/** The end of a call a filter runs on. */
public enum Side {
    /** The calling application. */
    CONSUMER,
    /** The application that serves the call. */
    PROVIDER
}
