package dev.ferry.core.codec;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Exposes exactly {@code limit} bytes of another stream, so a deserializer can never read past
 * the body the header declared, and reports a truncated body as {@link EOFException}.
 * Markable when the stream under it is.
 */
final class BoundedInputStream extends InputStream {

    private final InputStream in;
    private int remaining;
    private int remainingAtMark;

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

    /**
     * The next {@code length} bytes of {@code in} as a stream that supports {@link #mark} and
     * {@link #reset} over all of them: bounded over {@code in} when {@code in} is markable
     * (heap arrays, Netty buffers), else read into memory first ({@code length} is already held
     * to the payload limit).
     */
    static InputStream markable(InputStream in, int length) throws IOException {
        BoundedInputStream bounded = new BoundedInputStream(in, length);
        return in.markSupported() ? bounded : new ByteArrayInputStream(bounded.readNBytes(length));
    }

    @Override
    public boolean markSupported() {
        return in.markSupported();
    }

    @Override
    public synchronized void mark(int readLimit) {
        in.mark(readLimit);
        remainingAtMark = remaining;
    }

    @Override
    public synchronized void reset() throws IOException {
        in.reset();
        remaining = remainingAtMark;
    }

    @Override
    public int available() throws IOException {
        return Math.min(remaining, in.available());
    }
}
