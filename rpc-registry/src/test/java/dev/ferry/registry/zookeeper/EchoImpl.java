package dev.ferry.registry.zookeeper;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** An {@link Echo} provider that answers with its own name. */
public final class EchoImpl implements Echo {

    private final String name;

    public EchoImpl(String name) {
        this.name = name;
    }

    @Override
    public String who() {
        return name;
    }

    @Override
    public String echo(String text) {
        return name + ":" + text;
    }

    @Override
    public CompletableFuture<List<String>> split(String text, Map<String, Integer> limits) {
        return CompletableFuture.completedFuture(Arrays.asList(text.split(",", limits.getOrDefault("max", 0))));
    }
}
