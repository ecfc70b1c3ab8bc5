package dev.ferry.serialization;

import dev.ferry.api.spi.ClassAllowlist;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AllowlistCacheTest {

    @Test
    void oneValuePerAllowlistIdentity() {
        AtomicInteger made = new AtomicInteger();
        AllowlistCache<Object> cache = new AllowlistCache<>(allowlist -> new Object[] {made.incrementAndGet()});
        ClassAllowlist a = name -> true;
        ClassAllowlist b = name -> true;
        Object forA = cache.get(a);
        assertSame(forA, cache.get(a));
        assertNotSame(forA, cache.get(b));
        assertEquals(2, made.get());
        // equal-looking allowlists are still different keys
        DefaultClassAllowlist one = DefaultClassAllowlist.builder().allowClass("x.Y").build();
        DefaultClassAllowlist two = DefaultClassAllowlist.builder().allowClass("x.Y").build();
        assertNotSame(cache.get(one), cache.get(two));
        assertThrows(NullPointerException.class, () -> cache.get(null));
    }

    @Test
    void anAllowlistNoLongerUsedIsForgotten() throws InterruptedException {
        AllowlistCache<Object> cache = new AllowlistCache<>(allowlist -> new Object());
        for (int i = 0; i < 1_000; i++) {
            cache.get(DefaultClassAllowlist.builder().build());
        }
        assertEquals(true, cache.size() > 100, "each allowlist got its own entry");
        // collected keys are expunged on later misses; give the collector a generous while
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (cache.size() > 100 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
            cache.get(DefaultClassAllowlist.builder().build());
        }
        assertEquals(true, cache.size() <= 100, "entries left: " + cache.size());
    }
}
