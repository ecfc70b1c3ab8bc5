package dev.ferry.protocol.rocketmq;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The provider's bounded memory of recent requests. */
class RecentRequestsTest {

    @Test
    void theFirstClaimRunsLaterClaimsShareItsReply() throws Exception {
        RecentRequests recent = new RecentRequests(10, 1024);
        RecentRequests.Claim first = recent.claim("k");
        RecentRequests.Claim again = recent.claim("k");
        assertTrue(first.first());
        assertFalse(again.first());
        assertSame(first.reply(), again.reply());
        assertFalse(again.reply().isDone(), "still running: the second claim waits for the first");
        first.answer(new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, again.reply().get(1, TimeUnit.SECONDS));
        assertEquals(3, recent.bytes());
    }

    @Test
    void boundedByEntriesOldestFirst() {
        RecentRequests recent = new RecentRequests(3, 1 << 20);
        for (int i = 0; i < 5; i++) {
            recent.claim("k" + i).answer(new byte[10]);
        }
        assertEquals(3, recent.size());
        assertEquals(30, recent.bytes());
        assertTrue(recent.claim("k0").first(), "the oldest was forgotten: a redelivery of it runs again");
        assertFalse(recent.claim("k4").first(), "the newest is remembered");
    }

    @Test
    void boundedByReplyBytes() {
        RecentRequests recent = new RecentRequests(1000, 100);
        recent.claim("a").answer(new byte[60]);
        recent.claim("b").answer(new byte[60]);
        assertEquals(1, recent.size(), "a went to make room for b");
        assertEquals(60, recent.bytes());
        recent.claim("huge").answer(new byte[500]);
        assertEquals(1, recent.size(), "one reply larger than the bound still stays, alone");
        assertFalse(recent.claim("huge").first());
    }

    @Test
    void forgottenUnrememberableAndDisabled() {
        RecentRequests recent = new RecentRequests(10, 1000);
        recent.claim("k");
        recent.forget("k");
        assertTrue(recent.claim("k").first());
        recent.forget(null);
        for (String key : new String[] {null, "", "  ", "x".repeat(513)}) {
            assertTrue(recent.claim(key).first());
            assertTrue(recent.claim(key).first(), "never remembered: " + key);
        }
        RecentRequests off = new RecentRequests(0, 1000);
        assertTrue(off.claim("k").first());
        assertTrue(off.claim("k").first());
        assertEquals(0, off.size());
    }

    @Test
    void concurrentClaimsOfOneKeyHaveExactlyOneWinner() throws Exception {
        RecentRequests recent = new RecentRequests(100, 1 << 20);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 50; round++) {
                String key = "key-" + round;
                AtomicInteger winners = new AtomicInteger();
                CompletableFuture<?>[] all = new CompletableFuture<?>[8];
                for (int t = 0; t < 8; t++) {
                    all[t] = CompletableFuture.runAsync(() -> {
                        if (recent.claim(key).first()) {
                            winners.incrementAndGet();
                        }
                    }, pool);
                }
                CompletableFuture.allOf(all).get(10, TimeUnit.SECONDS);
                assertEquals(1, winners.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
