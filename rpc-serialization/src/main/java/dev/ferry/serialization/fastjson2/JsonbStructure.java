package dev.ferry.serialization.fastjson2;

import java.io.IOException;

/**
 * Walks one JSONB document without building anything, and fails on anything fastjson2 could be
 * made to over-allocate or overrun with: a count or length larger than the bytes that follow it,
 * a negative one, a symbol index beyond the document, a decimal scale beyond
 * {@link #MAX_DECIMAL_SCALE}, nesting deeper than {@link #MAX_DEPTH}, an unknown type byte, a
 * document that ends early or has bytes after its value.
 *
 * <p>Needed because fastjson2's readers size arrays and lists by the count in the bytes before
 * reading any element (a count of two billion exhausts the heap), and fastjson2's own
 * {@code skipValue} does not know every type it writes. Every element takes at least one byte,
 * so once each count fits in the bytes after it, what a reader allocates is bounded by the
 * document's size.
 *
 * <p>The format, as fastjson2 2.0 writes it: one type byte per value, then
 * <pre>
 * 0x90 char int | 0x91 binary len bytes | 0x92 typed: (int | string int) value | 0x93 reference: string
 * 0x94-0xa3 array of 0-15 values | 0xa4 array: count values | 0xa6 object: (key value)* 0xa5
 * 0xa7 local time 3 bytes, int | 0xa8 local date-time 7 bytes, int | 0xa9 local date 4 bytes
 * 0xaa zoned date-time 7 bytes, int, string | 0xab millis 8 bytes | 0xac seconds 4 | 0xad minutes 4
 * 0xae instant: long, int | 0xaf null | 0xb0 false | 0xb1 true | 0xb2 0xb3 double 0 and 1
 * 0xb4 double: long | 0xb5 double 8 bytes | 0xb6 float: int | 0xb7 float 4 bytes
 * 0xb8 decimal: long | 0xb9 decimal: int scale, integer | 0xba big integer: long
 * 0xbb big integer: len bytes | 0xbc short 2 | 0xbd byte 1 | 0xbe long 8 | 0xbf long 4
 * 0xc0-0xc7 long +2 | 0xc8-0xd7 long +1 | 0xd8-0xef long | 0xf0-0x2f int | 0x30-0x3f int +1
 * 0x40-0x47 int +2 | 0x48 int 4 | 0x49-0x78 latin-1 string of 0-47 bytes
 * 0x79-0x7e string: len bytes | 0x7f symbol: int, or string int
 * </pre>
 */
final class JsonbStructure {

    /** Deeper documents are refused; fastjson2 itself stops at 2048. */
    static final int MAX_DEPTH = 512;

    /**
     * Larger decimal scales are refused: converting such a decimal to an integer type (which
     * fastjson2 does for a typed read) computes a power of ten of that size.
     */
    static final int MAX_DECIMAL_SCALE = 10_000;

    private final byte[] bytes;
    private int offset;

    private JsonbStructure(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Checks that {@code document} is exactly one well-formed JSONB value. */
    static void check(byte[] document) throws IOException {
        JsonbStructure walker = new JsonbStructure(document);
        walker.value(0);
        if (walker.offset != document.length) {
            throw new IOException("fastjson2 value of " + document.length + " bytes ends after " + walker.offset + " bytes");
        }
    }

    private void value(int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("fastjson2 value is nested more than " + MAX_DEPTH + " levels deep");
        }
        int type = next();
        if (type >= -16 && type <= 72) {           // int32, every width
            integerTail(type);
            return;
        }
        if (type >= -64 && type <= -17) {          // int64, compact widths
            integerTail(type);
            return;
        }
        if (type >= 73 && type <= 120) {           // latin-1 string of 0-47 bytes
            skip(type - 73);
            return;
        }
        if (type >= -108 && type <= -93) {         // array of 0-15 values
            elements(type + 108, depth);
            return;
        }
        switch (type) {
            case 121, 122, 123, 124, 125, 126 -> skip(length());   // strings with a byte length
            case 127 -> symbolTail();
            case -112 -> integer();                                 // char
            case -111 -> skip(length());                            // binary
            case -110 -> {                                          // typed value
                typeName();
                value(depth + 1);
            }
            case -109 -> string();                                  // reference path
            case -92 -> elements(length(), depth);
            case -90 -> {
                while (peek() != -91) {
                    value(depth + 1);                               // key (any value)
                    value(depth + 1);
                }
                offset++;
            }
            case -89 -> {                                           // local time
                skip(3);
                integer();
            }
            case -88 -> {                                           // local date-time
                skip(7);
                integer();
            }
            case -87 -> skip(4);                                    // local date
            case -86 -> {                                           // zoned date-time
                skip(7);
                integer();
                string();
            }
            case -85, -66 -> skip(8);                               // millis; long
            case -84, -83, -73, -65 -> skip(4);                     // seconds; minutes; float; long as int
            case -82 -> {                                           // instant
                integer();
                integer();
            }
            case -81, -80, -79, -78, -77 -> {                       // null, false, true, 0.0, 1.0
            }
            case -76, -74, -72, -70 -> integer();                   // double, float, decimal, big integer as integers
            case -75 -> skip(8);                                    // double
            case -71 -> {                                           // decimal: scale, unscaled value
                long scale = integer();
                if (Math.abs(scale) > MAX_DECIMAL_SCALE) {
                    throw new IOException("fastjson2 decimal scale " + scale + " is out of range");
                }
                unscaled();
            }
            case -69 -> skip(length());                             // big integer bytes
            case -68 -> skip(2);                                    // short
            case -67 -> skip(1);                                    // byte
            default -> throw new IOException("fastjson2 input has unknown type byte " + type + " at " + (offset - 1));
        }
    }

    private void elements(int count, int depth) throws IOException {
        if (count > remaining()) {
            throw new IOException("fastjson2 array of " + count + " values in " + remaining() + " bytes");
        }
        for (int i = 0; i < count; i++) {
            value(depth + 1);
        }
    }

    /** The unscaled value of a decimal: an integer or a big integer. */
    private void unscaled() throws IOException {
        int type = peek();
        if (type == -69) {
            offset++;
            skip(length());
        } else if (type == -70) {
            offset++;
            integer();
        } else {
            integer();
        }
    }

    /** A type name: the index of one seen before, or (optionally after a symbol byte) its text and index. */
    private void typeName() throws IOException {
        if (peek() == 127) {
            offset++;
        }
        symbolTail();
    }

    private void string() throws IOException {
        int type = next();
        if (type >= 73 && type <= 120) {
            skip(type - 73);
        } else if (type >= 121 && type <= 126) {
            skip(length());
        } else if (type == 127) {
            symbolTail();
        } else if (type == -81) {
            // null
        } else {
            throw new IOException("fastjson2 input has type byte " + type + " where a string is expected");
        }
    }

    /** After a symbol byte: a symbol's index, or a new symbol's text and index. */
    private void symbolTail() throws IOException {
        if (isInteger(peek())) {
            symbolIndex();
            return;
        }
        int type = next();
        if (type >= 73 && type <= 120) {
            skip(type - 73);
        } else if (type >= 121 && type <= 126) {
            skip(length());
        } else {
            throw new IOException("fastjson2 input has type byte " + type + " inside a symbol");
        }
        symbolIndex();
    }

    /**
     * A symbol's index. fastjson2 grows its symbol table to the index it reads, so an index of
     * a billion would allocate gigabytes: an index is at most the document's length (every
     * symbol takes at least two bytes to define).
     */
    private void symbolIndex() throws IOException {
        long index = integer();
        if (index < 0 || index > bytes.length) {
            throw new IOException("fastjson2 symbol index " + index + " is out of range");
        }
    }

    private static boolean isInteger(int type) {
        return (type >= -16 && type <= 72) || (type >= -66 && type <= -17);
    }

    private int length() throws IOException {
        long value = integer();
        if (value < 0 || value > remaining()) {
            throw new IOException("fastjson2 length " + value + " does not fit the " + remaining() + " bytes left");
        }
        return (int) value;
    }

    private long integer() throws IOException {
        int type = next();
        if (!isInteger(type)) {
            throw new IOException("fastjson2 input has type byte " + type + " where an integer is expected");
        }
        return integerTail(type);
    }

    /** The rest of an integer whose type byte was {@code type}; its value. */
    private long integerTail(int type) throws IOException {
        if (type >= -16 && type <= 47) {
            return type;
        }
        if (type >= 48 && type <= 63) {
            return ((type - 56) << 8) + (next() & 0xff);
        }
        if (type >= 64 && type <= 71) {
            return ((type - 68) << 16) + ((next() & 0xff) << 8) + (next() & 0xff);
        }
        if (type == 72 || type == -65) {
            return ((next() & 0xff) << 24 | (next() & 0xff) << 16 | (next() & 0xff) << 8 | (next() & 0xff));
        }
        if (type == -66) {
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | (next() & 0xff);
            }
            return value;
        }
        if (type >= -40 && type <= -17) {
            return type + 32;
        }
        if (type >= -56 && type <= -41) {
            return ((type + 48L) << 8) + (next() & 0xff);
        }
        // -64 .. -57
        return ((type + 60L) << 16) + ((next() & 0xff) << 8) + (next() & 0xff);
    }

    private int next() throws IOException {
        if (offset >= bytes.length) {
            throw new IOException("fastjson2 value ends early, at byte " + offset);
        }
        return bytes[offset++];
    }

    private int peek() throws IOException {
        if (offset >= bytes.length) {
            throw new IOException("fastjson2 value ends early, at byte " + offset);
        }
        return bytes[offset];
    }

    private void skip(int count) throws IOException {
        if (count < 0 || count > remaining()) {
            throw new IOException("fastjson2 value ends early: " + count + " bytes needed, " + remaining() + " left");
        }
        offset += count;
    }

    private int remaining() {
        return bytes.length - offset;
    }
}
