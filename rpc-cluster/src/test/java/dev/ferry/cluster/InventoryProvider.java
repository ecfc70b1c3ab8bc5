package dev.ferry.cluster;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.ferry.api.RpcContext;

/** One provider's implementation: answers, throws its own exception, or stalls, as its mode says. */
public final class InventoryProvider implements Inventory {

    /** How a provider behaves on every call. */
    public enum Mode { OK, THROWS, STALLS }

    public final String name;
    public final Mode mode;
    public final AtomicInteger calls = new AtomicInteger();
    /** Calls whose stall (if any) is over. */
    public final AtomicInteger finished = new AtomicInteger();
    public final List<String> recorded = new CopyOnWriteArrayList<>();
    private final CountDownLatch release;

    public InventoryProvider(String name, Mode mode, CountDownLatch release) {
        this.name = name;
        this.mode = mode;
        this.release = release;
    }

    private void behave() {
        calls.incrementAndGet();
        if (mode == Mode.THROWS) {
            throw new IllegalStateException("provider " + name + " refuses");
        }
        if (mode == Mode.STALLS) {
            try {
                release.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        finished.incrementAndGet();
    }

    @Override
    public String whoami() {
        behave();
        return name;
    }

    @Override
    public List<String> items() {
        behave();
        return List.of(name);
    }

    @Override
    public Set<String> tags() {
        behave();
        return Set.of(name, "common");
    }

    @Override
    public Map<String, Integer> stock() {
        behave();
        return Map.of(name, name.length());
    }

    @Override
    public String[] names() {
        behave();
        return new String[]{name};
    }

    @Override
    public int count() {
        behave();
        return 1;
    }

    @Override
    public boolean healthy() {
        behave();
        return true;
    }

    @Override
    public String work(String key) {
        behave();
        return name + ":" + key;
    }

    @Override
    public void record(String event) {
        behave();
        recorded.add(event);
    }

    @Override
    public String attachment(String key) {
        behave();
        Object v = RpcContext.receivedAttachment(key);
        return v == null ? null : v.toString();
    }
}
