package dev.ferry.core.codec;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Exposes exactly {@code limit} bytes of another stream, so a deserializer can never read past
 * the body the header declared, and reports a truncated body as {@link EOFException}.
 */
final class BoundedInputStream extends InputStream {

    private final InputStream in;
    private int remaining;

    BoundedInputStream(InputStream in, int limit) {
        this.in = in;
        this.remaining = limit;
    }

    @Override
    public int read() throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int b = in.read();
        if (b < 0) {
            throw new EOFException("body truncated: " + remaining + " bytes missing");
        }
        remaining--;
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int n = in.read(b, off, Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException("body truncated: " + remaining + " bytes missing");
        }
        remaining -= n;
        return n;
    }

    @Override
    public int available() throws IOException {
        return Math.min(remaining, in.available());
    }
}
