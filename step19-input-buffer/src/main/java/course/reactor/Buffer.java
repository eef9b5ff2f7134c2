package course.reactor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A growable byte buffer: bytes are appended at the back and taken from the front.
 *
 * <pre>
 * +-------------------+---------------------+
 * |  readable bytes   |   writable space    |
 * +-------------------+---------------------+
 * 0                  size               capacity
 * </pre>
 *
 * TCP delivers a byte stream, not messages: a read may bring half a message or three and a half
 * (split and stuck messages, 分包/粘包). The input buffer keeps what arrived until it is used; the
 * output buffer keeps what the kernel could not take yet.
 */
final class Buffer {
    /** The largest array the JVM promises to allocate. */
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;
    private static final int INITIAL_CAPACITY = 1024;

    private byte[] bytes = new byte[INITIAL_CAPACITY];
    private int size;
    /** The same array seen as a ByteBuffer, for channel reads and writes; no copy. */
    private ByteBuffer view = ByteBuffer.wrap(bytes);

    int readableBytes() {
        return size;
    }

    void append(byte[] source, int offset, int length) {
        ensureWritable(length);
        System.arraycopy(source, offset, bytes, size, length);
        size += length;
    }

    /** A copy of {@code length} readable bytes starting {@code offset} bytes in; they stay in place. */
    byte[] copy(int offset, int length) {
        return Arrays.copyOfRange(bytes, offset, offset + length);
    }

    /**
     * Drops the first {@code length} bytes by shifting the rest to the front: simple, but it
     * copies what is left on every call (the course's erase(0, n)). Lesson 33 keeps a read index
     * instead and compacts only when it pays.
     */
    void consume(int length) {
        System.arraycopy(bytes, length, bytes, 0, size - length);
        size -= length;
    }

    /**
     * One read: what the kernel holds, up to the size of {@code readBuffer} (its loop's, shared
     * by all its connections), appended here. Bytes read, 0 if none now, -1 at EOF.
     */
    int readFrom(Socket socket, ByteBuffer readBuffer) throws IOException {
        readBuffer.clear();
        int n = socket.read(readBuffer);
        if (n > 0) {
            ensureWritable(n);
            readBuffer.flip().get(bytes, size, n);
            size += n;
        }
        return n;
    }

    /** Writes as much as the socket takes from the front and drops it: bytes written. */
    int writeTo(Socket socket) throws IOException {
        view.limit(size).position(0);
        int n = socket.write(view);
        consume(n);
        return n;
    }

    /** Grows by doubling, so appending n bytes one at a time costs O(n) copies in all. */
    private void ensureWritable(int length) {
        if (bytes.length - size < length) {
            bytes = Arrays.copyOf(bytes, grownCapacity(bytes.length, (long) size + length));
            view = ByteBuffer.wrap(bytes);
        }
    }

    /**
     * The capacity to grow to: double, so that appending n bytes in small pieces costs O(n)
     * copies in all, but at least {@code needed}, and in a long, because near 1 GiB doubling an
     * int turns negative (and growth would fall back to exact steps, one copy per read).
     */
    static int grownCapacity(int capacity, long needed) {
        if (needed > MAX_CAPACITY) {
            throw new IllegalStateException("a buffer cannot hold " + needed + " bytes");
        }
        return (int) Math.min(MAX_CAPACITY, Math.max(needed, 2L * capacity));
    }
}
