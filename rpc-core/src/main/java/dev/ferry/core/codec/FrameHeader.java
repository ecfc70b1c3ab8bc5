package dev.ferry.core.codec;

/**
 * The 16-byte Dubbo frame header: magic {@code 0xdabb}, a flag byte (request {@code 0x80},
 * two-way {@code 0x40}, event {@code 0x20}, low five bits the serialization id), a status
 * byte, an 8-byte request id and a 4-byte body length, all big-endian.
 */
public final class FrameHeader {

    public static final int LENGTH = 16;
    public static final short MAGIC = (short) 0xdabb;
    public static final byte MAGIC_HIGH = (byte) 0xda;
    public static final byte MAGIC_LOW = (byte) 0xbb;
    public static final int FLAG_REQUEST = 0x80;
    public static final int FLAG_TWO_WAY = 0x40;
    public static final int FLAG_EVENT = 0x20;
    public static final int SERIALIZATION_MASK = 0x1f;
    /** Offset of the body-length field, for length-prefixed framing. */
    public static final int LENGTH_OFFSET = 12;

    private FrameHeader() {
    }
}
