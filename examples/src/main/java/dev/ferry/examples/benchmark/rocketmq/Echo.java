package dev.ferry.examples.benchmark.rocketmq;

/** The benchmarked service: the smallest call that carries a payload both ways. */
public interface Echo {

    String echo(String text);

    /** Returns what it gets. */
    final class Impl implements Echo {
        @Override
        public String echo(String text) {
            return text;
        }
    }
}
