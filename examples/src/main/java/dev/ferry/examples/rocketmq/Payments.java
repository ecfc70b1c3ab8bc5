package dev.ferry.examples.rocketmq;

import java.io.Serializable;

/** A service whose every call must be accounted for. */
public interface Payments {

    Receipt pay(String from, String to, long cents) throws Declined;

    /** What a payment returns. */
    record Receipt(String from, String to, long cents, String reference) implements Serializable {
    }

    /** A payment the service refused. */
    class Declined extends Exception {
        public Declined(String message) {
            super(message);
        }
    }
}
