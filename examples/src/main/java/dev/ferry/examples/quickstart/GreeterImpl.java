package dev.ferry.examples.quickstart;

import dev.ferry.api.RpcService;

import java.util.concurrent.CompletableFuture;

/** Exported on both transports. */
@RpcService(protocol = {"rocketmq", "dubbo"})
public final class GreeterImpl implements Greeter {

    @Override
    public String hello(String name) {
        return "Hello, " + name + "!";
    }

    @Override
    public CompletableFuture<String> helloAsync(String name) {
        return CompletableFuture.completedFuture("Hello again, " + name + "!");
    }
}
