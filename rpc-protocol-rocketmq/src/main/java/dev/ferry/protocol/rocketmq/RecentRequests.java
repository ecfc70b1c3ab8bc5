package dev.ferry.protocol.rocketmq;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A provider's memory of the requests it took most recently, by request key: running ones and
 * answered ones with their encoded reply. RocketMQ delivers at least once — a request is
 * redelivered when its acknowledgement was lost (a provider restart, a broker restart, a reply
 * that could not be sent) — so a request seen again is answered from here instead of running
 * twice.
 *
 * <p>Bounded twice: by entries and by the bytes of the stored replies; the oldest entries go
 * first. A request evicted and then redelivered runs again: size the window for the
 * redeliveries to expect (a few seconds of calls).
 */
final class RecentRequests {

    private static final int MAX_KEY_LENGTH = 512;

    private final int maxEntries;
    private final long maxBytes;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
    private long bytes;

    RecentRequests(int maxEntries, long maxBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /**
     * Claims {@code key}: the first claim of a key gets an empty slot, which its holder
     * {@linkplain Claim#answer answers} with the encoded reply (null for a oneway call); later
     * claims get the same slot, answered or not. A key that cannot be remembered (blank, too
     * long, a disabled window) gets a fresh slot every time.
     */
    Claim claim(String key) {
        if (maxEntries == 0 || key == null || key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            return new Claim(true, new Entry(null));
        }
        synchronized (this) {
            Entry existing = entries.get(key);
            if (existing != null) {
                return new Claim(false, existing);
            }
            Entry created = new Entry(key);
            entries.put(key, created);
            evict();
            return new Claim(true, created);
        }
    }

    /** Forgets {@code key}, so a redelivery runs it: for a request that never ran. */
    synchronized void forget(String key) {
        if (key == null) {
            return;
        }
        Entry e = entries.remove(key);
        if (e != null) {
            bytes -= e.bytes;
        }
    }

    synchronized int size() {
        return entries.size();
    }

    synchronized long bytes() {
        return bytes;
    }

    private void account(Entry e, byte[] reply) {
        if (reply == null || e.key == null) {
            return;
        }
        synchronized (this) {
            if (entries.get(e.key) != e) {
                return; // evicted or forgotten before it finished
            }
            e.bytes = reply.length;
            bytes += reply.length;
            evict();
        }
    }

    /** Drops the oldest entries while over a bound; the newest entry always stays. */
    private void evict() {
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while ((entries.size() > maxEntries || bytes > maxBytes) && entries.size() > 1 && it.hasNext()) {
            Entry e = it.next().getValue();
            it.remove();
            bytes -= e.bytes;
        }
    }

    /** The outcome of {@link #claim}. */
    final class Claim {
        private final boolean first;
        private final Entry entry;

        private Claim(boolean first, Entry entry) {
            this.first = first;
            this.entry = entry;
        }

        /** True for the first claim of the key: its holder runs the request and answers it. */
        boolean first() {
            return first;
        }

        /** The encoded reply of the request, once answered (null when oneway or nothing to answer). */
        CompletableFuture<byte[]> reply() {
            return entry.reply;
        }

        /** Completes the reply (the first answer counts) and accounts its bytes against the bound. */
        void answer(byte[] encoded) {
            if (entry.reply.complete(encoded)) {
                account(entry, encoded);
            }
        }
    }

    private static final class Entry {
        /** Null for a request that is not remembered. */
        final String key;
        final CompletableFuture<byte[]> reply = new CompletableFuture<>();
        long bytes;

        Entry(String key) {
            this.key = key;
        }
    }
}
