package dev.ferry.serialization.protobuf;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one length-delimited message: a varint size, then exactly that many bytes, parsed as a
 * whole. protobuf-java's own {@code parseDelimitedFrom} accepts a message cut short at a field
 * boundary as complete; reading the bytes first makes a truncated message an error. The bytes
 * are read in chunks as they arrive, so a declared size never allocates more than is there.
 */
final class Delimited {

    private Delimited() {
    }

    static <T> T read(InputStream in, Parser<T> parser) throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new EOFException("protobuf input ends before a value");
        }
        int size = CodedInputStream.readRawVarint32(first, in);
        if (size < 0) {
            throw new InvalidProtocolBufferException("protobuf value with negative size " + size);
        }
        byte[] bytes = in.readNBytes(size);
        if (bytes.length < size) {
            throw new EOFException("protobuf input ends inside a value (" + bytes.length + " of " + size + " bytes)");
        }
        return parser.parseFrom(bytes);
    }
}
