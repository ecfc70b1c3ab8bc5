package dev.ferry.protocol.dubbo;

import dev.ferry.api.RpcService;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The provider side of {@link Greeter}; the test opens {@link #release} to let held calls finish. */
@RpcService
public class GreeterImpl implements Greeter {

    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch entered = new CountDownLatch(1);
    final List<String> notes = new CopyOnWriteArrayList<>();

    @Override
    public Greeting greet(Person person) {
        return new Greeting("hello " + person.getName(), person);
    }

    @Override
    public CompletableFuture<String> greetLater(String name) {
        return CompletableFuture.supplyAsync(() -> {
            awaitRelease();
            return "later " + name;
        });
    }

    @Override
    public void refuse(String message) throws GreetingException {
        throw new GreetingException(message);
    }

    @Override
    public void record(String note) {
        notes.add(note);
    }

    @Override
    public String nothing() {
        return null;
    }

    @Override
    public String slow(String name) {
        entered.countDown();
        awaitRelease();
        return "slow " + name;
    }

    @Override
    public CompletableFuture<String> hold() {
        entered.countDown();
        awaitRelease();
        return CompletableFuture.completedFuture("held");
    }

    @Override
    public String big(int size) {
        return "x".repeat(size);
    }

    private void awaitRelease() {
        try {
            release.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
