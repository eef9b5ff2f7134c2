package course.toolkit;

import java.nio.ByteBuffer;

/** The course's wire protocol from lesson 19 on: a 4-byte big-endian length, then that many bytes. */
public final class Frames {
    public static final int HEADER_BYTES = 4;

    private Frames() {
    }

    /** Header and body in one array. */
    public static byte[] encode(byte[] body) {
        return ByteBuffer.allocate(HEADER_BYTES + body.length).putInt(body.length).put(body).array();
    }

    /** A header that announces {@code length} bytes, whatever follows (for tests of bad lengths). */
    public static byte[] header(int length) {
        return ByteBuffer.allocate(HEADER_BYTES).putInt(length).array();
    }

    /** The length a 4-byte header announces. */
    public static int length(byte[] header) {
        return ByteBuffer.wrap(header).getInt();
    }
}
