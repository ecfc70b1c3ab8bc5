package dev.ferry.protocol.dubbo;

import java.util.concurrent.CompletableFuture;

/** The service the end-to-end tests call over dubbo. */
public interface Greeter {

    Greeting greet(Person person);

    /** Completes when the test releases the provider, holding no provider thread meanwhile. */
    CompletableFuture<String> greetLater(String name);

    void refuse(String message) throws GreetingException;

    void record(String note);

    String nothing();

    /** Blocks a business thread until the test releases it (or 5 s pass). */
    String slow(String name);

    /** Blocks a business thread inside the method until released; used to fill the pool. */
    CompletableFuture<String> hold();

    /** A string of {@code size} characters. */
    String big(int size);
}
