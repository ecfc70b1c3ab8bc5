package dev.ferry.registry.zookeeper;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies what is written to {@code System.err} (where the test logger writes) while open,
 * still passing it through.
 */
final class LogCapture implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    LogCapture() {
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (copy) {
                    copy.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (copy) {
                    copy.write(b, off, len);
                }
                original.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    String text() {
        synchronized (copy) {
            return copy.toString(StandardCharsets.UTF_8);
        }
    }

    /** How many times {@code fragment} occurs in what was captured. */
    int count(String fragment) {
        String t = text();
        int n = 0;
        for (int i = t.indexOf(fragment); i >= 0; i = t.indexOf(fragment, i + fragment.length())) {
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        System.err.flush();
        System.setErr(original);
    }
}
