package dev.ferry.registry.zookeeper;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The service the registry tests export and call. */
public interface Echo {

    /** The name of the provider instance that answers. */
    String who();

    String echo(String text);

    CompletableFuture<List<String>> split(String text, Map<String, Integer> limits);
}
