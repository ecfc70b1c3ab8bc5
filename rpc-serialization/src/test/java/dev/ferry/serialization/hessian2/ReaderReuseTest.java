package dev.ferry.serialization.hessian2;

import dev.ferry.serialization.fixtures.Money;
import dev.ferry.serialization.fixtures.Point;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;

import static dev.ferry.serialization.hessian2.Wire.PERMISSIVE;
import static dev.ferry.serialization.hessian2.Wire.read;
import static dev.ferry.serialization.hessian2.Wire.write;
import static dev.ferry.serialization.hessian2.Wire.writeObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A thread's hessian reader is lent to one message at a time: nothing of one message (class
 * definitions, back-references, buffered bytes, a failure) reaches the next.
 */
class ReaderReuseTest {

    private static Hessian2ObjectInput open(byte[] bytes) {
        return (Hessian2ObjectInput) read(bytes, PERMISSIVE);
    }

    @Test
    void aClosedMessageLendsItsReaderToTheNextAndItsClassesAndReferencesStayBehind() throws IOException {
        Point p = new Point(1, 2, "a");
        byte[] points = writeObject(Arrays.asList(p, p));
        byte[] money = writeObject(List.of(new Money(BigDecimal.TEN, "EUR"), new Money(BigDecimal.ONE, "USD")));
        Hessian2ObjectInput.Reusable reader = null;
        for (int round = 0; round < 3; round++) {
            try (Hessian2ObjectInput in = open(points)) {
                if (reader == null) {
                    reader = in.borrowed();
                }
                assertSame(reader, in.borrowed(), "the reader of the closed message is lent again");
                List<?> read = (List<?>) in.readObject();
                assertEquals(List.of(p, p), read);
                assertSame(read.get(0), read.get(1), "the back-reference is resolved within its message");
            }
            // Class definition 0 and reference 0 mean other things in this message.
            try (Hessian2ObjectInput in = open(money)) {
                assertSame(reader, in.borrowed());
                assertEquals(List.of(new Money(BigDecimal.TEN, "EUR"), new Money(BigDecimal.ONE, "USD")), in.readObject());
            }
        }
    }

    @Test
    void bytesAMessageLeftUnreadDoNotPrecedeTheNextMessage() throws IOException {
        byte[] two = write(out -> {
            out.writeUTF("first");
            out.writeUTF("never read");
        });
        Hessian2ObjectInput.Reusable reader;
        try (Hessian2ObjectInput in = open(two)) {
            reader = in.borrowed();
            assertEquals("first", in.readUTF());
        }
        try (Hessian2ObjectInput in = open(writeObject("next"))) {
            assertSame(reader, in.borrowed());
            assertEquals("next", in.readObject());
        }
    }

    @Test
    void aFailedReadLeavesNothingBehindForTheNextMessage() throws IOException {
        byte[] whole = writeObject(List.of(new Point(3, 4, "half-read state")));
        byte[] truncated = Arrays.copyOf(whole, whole.length - 3);
        byte[] garbage = {(byte) 0x43, (byte) 0xff, (byte) 0xfe, 0x00, 0x01};
        for (byte[] bad : List.of(truncated, garbage)) {
            Hessian2ObjectInput.Reusable spoilt;
            try (Hessian2ObjectInput in = open(bad)) {
                spoilt = in.borrowed();
                assertThrows(IOException.class, in::readObject);
            }
            Hessian2ObjectInput.Reusable next;
            try (Hessian2ObjectInput in = open(whole)) {
                next = in.borrowed();
                assertNotSame(spoilt, next, "a reader whose read failed is not lent again");
                assertEquals(List.of(new Point(3, 4, "half-read state")), in.readObject());
            }
            try (Hessian2ObjectInput in = open(whole)) {
                assertSame(next, in.borrowed(), "the thread lends its reader again");
                assertEquals(List.of(new Point(3, 4, "half-read state")), in.readObject());
            }
        }
    }

    @Test
    void aMessageReadWhileAnotherIsOpenOnTheSameThreadGetsItsOwnReader() throws IOException {
        byte[] outer = write(out -> {
            out.writeObject(new Point(1, 1, "outer"));
            out.writeObject(new Point(2, 2, "outer again"));
        });
        try (Hessian2ObjectInput a = open(outer)) {
            assertEquals(new Point(1, 1, "outer"), a.readObject());
            try (Hessian2ObjectInput b = open(writeObject(new Money(BigDecimal.ONE, "CHF")))) {
                assertNotSame(a.borrowed(), b.borrowed(), "the reader of the open message is not lent");
                assertEquals(new Money(BigDecimal.ONE, "CHF"), b.readObject());
            }
            assertEquals(new Point(2, 2, "outer again"), a.readObject());
        }
    }

    @Test
    void readingAfterCloseFailsAndCloseTwiceIsHarmless() throws IOException {
        Hessian2ObjectInput in = open(writeObject("x"));
        Hessian2ObjectInput.Reusable reader = in.borrowed();
        in.close();
        in.close();
        assertThrows(IOException.class, in::readObject);
        assertThrows(IOException.class, in::readUTF);
        try (Hessian2ObjectInput next = open(writeObject("y"))) {
            assertSame(reader, next.borrowed(), "the reader is lent again");
            assertEquals("y", next.readObject());
            try (Hessian2ObjectInput nested = open(writeObject("z"))) {
                assertNotSame(next.borrowed(), nested.borrowed(), "closing twice gave it back once: it is lent once");
                assertEquals("z", nested.readObject());
            }
        }
    }

    @Test
    void aReaderThatReadALargeMessageIsNotLentAgain() throws IOException {
        byte[] large = writeObject("x".repeat(Hessian2ObjectInput.REUSE_LIMIT + 1));
        Hessian2ObjectInput.Reusable reader;
        try (Hessian2ObjectInput in = open(large)) {
            reader = in.borrowed();
            assertEquals(Hessian2ObjectInput.REUSE_LIMIT + 1, ((String) in.readObject()).length());
        }
        Hessian2ObjectInput.Reusable next;
        try (Hessian2ObjectInput in = open(writeObject("small"))) {
            next = in.borrowed();
            assertNotSame(reader, next, "its string buffer grew to the message's length: dropped");
            assertEquals("small", in.readObject());
        }
        try (Hessian2ObjectInput in = open(writeObject("small again"))) {
            assertSame(next, in.borrowed(), "a small message's reader is lent again");
            assertEquals("small again", in.readObject());
        }
    }
}
