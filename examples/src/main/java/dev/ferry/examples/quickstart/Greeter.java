package dev.ferry.examples.quickstart;

import java.util.concurrent.CompletableFuture;

/** The service the quick start exports and calls. */
public interface Greeter {

    String hello(String name);

    CompletableFuture<String> helloAsync(String name);
}
