package dev.ferry.serialization.hessian2;

import dev.ferry.api.spi.ObjectOutput;
import dev.ferry.serialization.fixtures.Money;
import dev.ferry.serialization.fixtures.Point;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;

import static dev.ferry.serialization.hessian2.Wire.PERMISSIVE;
import static dev.ferry.serialization.hessian2.Wire.raw;
import static dev.ferry.serialization.hessian2.Wire.readObject;
import static dev.ferry.serialization.hessian2.Wire.writeObject;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A thread's hessian writer serves one message after another: each message is written as a
 * fresh writer would write it (its own class definitions and back-references), also after a
 * message whose write failed halfway.
 */
class WriterReuseTest {

    private final Point p = new Point(1, 2, "a");
    private final List<Object> points = Arrays.asList(p, p);
    private final List<Object> money = List.of(new Money(BigDecimal.TEN, "EUR"), new Money(BigDecimal.ONE, "USD"));

    @Test
    void consecutiveMessagesAreWrittenAsByAFreshWriter() throws IOException {
        byte[] freshPoints = raw(out -> out.writeObject(points));
        byte[] freshMoney = raw(out -> out.writeObject(money));
        for (int round = 0; round < 3; round++) {
            byte[] reusedPoints = writeObject(points);
            assertArrayEquals(freshPoints, reusedPoints, "class definition 0 and reference 0 start anew");
            byte[] reusedMoney = writeObject(money);
            assertArrayEquals(freshMoney, reusedMoney);
            assertEquals(money, readObject(reusedMoney, PERMISSIVE));
        }
    }

    @Test
    void aFailedWriteLeavesNothingForTheNextMessage() throws IOException {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("connection reset");
            }
        };
        ObjectOutput out = Wire.HESSIAN2.serialize(broken);
        // A point (class definition and reference recorded), then more than the writer buffers.
        assertThrows(IOException.class, () -> out.writeObject(Arrays.asList(p, p, "x".repeat(20_000))));
        assertArrayEquals(raw(o -> o.writeObject(points)), writeObject(points));
        assertEquals(points, readObject(writeObject(points), PERMISSIVE));
    }

    @Test
    void aWriterTakenWhileTheThreadsOneIsOutIsItsOwn() throws IOException {
        ByteArrayOutputStream outer = new ByteArrayOutputStream();
        ObjectOutput first = Wire.HESSIAN2.serialize(outer);
        first.writeObject(p);
        // Another message on the same thread before the first is flushed: it gets a fresh writer.
        assertArrayEquals(raw(o -> o.writeObject(points)), writeObject(points));
        first.writeObject(p);
        first.flush();
        assertArrayEquals(raw(o -> {
            o.writeObject(p);
            o.writeObject(p);
        }), outer.toByteArray(), "the first message's back-reference is still its own");
    }
}
