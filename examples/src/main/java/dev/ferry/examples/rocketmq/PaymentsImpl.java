package dev.ferry.examples.rocketmq;

import java.util.concurrent.atomic.AtomicLong;

/** Pays up to 10,000 cents; refuses more. */
public final class PaymentsImpl implements Payments {

    private final AtomicLong references = new AtomicLong(1000);

    @Override
    public Receipt pay(String from, String to, long cents) throws Declined {
        if (cents > 10_000) {
            throw new Declined(from + " may not pay " + cents + " cents at once");
        }
        return new Receipt(from, to, cents, "P" + references.incrementAndGet());
    }
}
