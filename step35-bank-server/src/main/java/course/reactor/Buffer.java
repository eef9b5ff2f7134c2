package course.reactor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A growable byte buffer in muduo's layout: bytes are appended at the writer index and taken at
 * the reader index, and a few bytes are kept free in front.
 *
 * <pre>
 * +-------------------+------------------+------------------+
 * | prependable bytes |  readable bytes  |  writable bytes  |
 * |                   |     (CONTENT)    |                  |
 * +-------------------+------------------+------------------+
 * 0      &lt;=      readerIndex   &lt;=   writerIndex    &lt;=   capacity
 * </pre>
 *
 * Taking bytes only moves the reader index: nothing is shifted per read. When the buffer runs
 * empty both indexes jump back to the front for free; when it runs out of room it first moves
 * its readable bytes to the front (compaction) if that makes enough room, and only then grows,
 * by doubling. A new buffer has no array at all until the first byte comes: an idle connection
 * holds no buffer memory.
 */
final class Buffer {
    /** The largest array the JVM promises to allocate. */
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;
    /** The length header of the course's protocol: 4 bytes, big-endian (network byte order). */
    static final int HEADER_BYTES = 4;
    /** Room kept in front of the content, so a header can be put before a body without moving it. */
    static final int CHEAP_PREPEND = 8;
    /** The first array, once data comes. */
    static final int INITIAL_SIZE = 1024;
    /** Above this size an emptied buffer gives its array back: one burst must not pin memory for good. */
    static final int KEEP_AT_MOST = 64 * 1024;
    /**
     * The JDK writes a heap buffer through a temporary direct buffer as large as the write, and
     * keeps it per thread: writing 30 MiB at once would pin a 30 MiB direct buffer per IO thread.
     */
    static final int MAX_WRITE = 64 * 1024;
    private static final byte[] NO_BYTES = new byte[0];

    /** Where big arrays go when this buffer empties, and come from when it grows again. */
    private final ArrayCache cache;
    private byte[] bytes = NO_BYTES;
    /** The same array seen as a ByteBuffer, for channel reads and writes; null while there is no array. */
    private ByteBuffer view;
    /** The two parts of a scattering read: our writable space, then the loop's spare buffer. */
    private ByteBuffer[] scatter;
    private int readerIndex = CHEAP_PREPEND;
    private int writerIndex = CHEAP_PREPEND;

    /** A buffer that lends its big arrays to {@code cache} while it does not need them. */
    Buffer(ArrayCache cache) {
        this.cache = cache;
    }

    /** A buffer on its own, outside any loop: its big arrays go to the garbage collector. */
    Buffer() {
        this(ArrayCache.NONE);
    }

    int readableBytes() {
        return writerIndex - readerIndex;
    }

    int writableBytes() {
        return Math.max(0, bytes.length - writerIndex);
    }

    int prependableBytes() {
        return readerIndex;
    }

    /** The size of the array underneath; 0 until the first byte comes. */
    int capacity() {
        return bytes.length;
    }

    void append(byte[] source, int offset, int length) {
        ensureWritable(length);
        System.arraycopy(source, offset, bytes, writerIndex, length);
        writerIndex += length;
    }

    /** Appends what {@code source} has remaining, and consumes it there. */
    void append(ByteBuffer source) {
        int length = source.remaining();
        ensureWritable(length);
        source.get(bytes, writerIndex, length);
        writerIndex += length;
    }

    /** Appends one message: its length as a 4-byte big-endian header, then the body. */
    void appendMessage(byte[] body) {
        ensureWritable(HEADER_BYTES + body.length);
        putInt(writerIndex, body.length);
        System.arraycopy(body, 0, bytes, writerIndex + HEADER_BYTES, body.length);
        writerIndex += HEADER_BYTES + body.length;
    }

    /**
     * Puts a 4-byte big-endian number in front of the readable bytes, in the prependable space:
     * for a codec that writes a body first and learns its length after.
     */
    void prependInt(int value) {
        if (bytes.length == 0) {
            ensureWritable(0);
        }
        if (readerIndex < HEADER_BYTES) {
            throw new IllegalStateException("no room in front for a header: " + readerIndex + " bytes prependable");
        }
        readerIndex -= HEADER_BYTES;
        putInt(readerIndex, value);
    }

    /** The 4-byte big-endian number that starts {@code offset} readable bytes in: a message's length. */
    int peekInt(int offset) {
        int at = readerIndex + offset;
        return (bytes[at] & 0xff) << 24
                | (bytes[at + 1] & 0xff) << 16
                | (bytes[at + 2] & 0xff) << 8
                | (bytes[at + 3] & 0xff);
    }

    /** A copy of {@code length} readable bytes starting {@code offset} bytes in; they stay in place. */
    byte[] copy(int offset, int length) {
        return Arrays.copyOfRange(bytes, readerIndex + offset, readerIndex + offset + length);
    }

    /**
     * The readable bytes as a ByteBuffer (position at the first, limit after the last), shared,
     * not copied: valid until the buffer changes. Return what was used with retrieve().
     */
    ByteBuffer readable() {
        if (view == null) {
            return ByteBuffer.wrap(NO_BYTES);
        }
        return view.limit(writerIndex).position(readerIndex);
    }

    /** Takes {@code length} bytes from the front: the reader index moves, nothing is copied. */
    void retrieve(int length) {
        readerIndex += length;
        if (readerIndex == writerIndex) {
            readerIndex = CHEAP_PREPEND; // empty: back to the front, for free
            writerIndex = CHEAP_PREPEND;
            if (bytes.length > KEEP_AT_MOST) {
                release();
            }
        }
    }

    /**
     * Reads from the socket with one scattering read (readv): first into our writable space, then
     * into {@code spare}, a large buffer its loop shares among all its connections. Whatever
     * landed in the spare is appended after. So a small buffer can take a big read in one system
     * call, and only a buffer that really receives a lot grows. At most twice the spare's size
     * per call, so one read round stays bounded (backpressure counts on it). Bytes read; 0 if
     * none; -1 at EOF.
     */
    int readFrom(Socket socket, ByteBuffer spare) throws IOException {
        spare.clear();
        int writable = Math.min(writableBytes(), spare.capacity()); // at most twice the spare per read
        long n;
        if (writable == 0) {
            n = socket.read(spare);
        } else {
            view.limit(writerIndex + writable).position(writerIndex);
            scatter[0] = view;
            scatter[1] = spare;
            n = socket.read(scatter);
        }
        if (n <= 0) {
            return (int) n;
        }
        if (n <= writable) {
            writerIndex += (int) n;
        } else {
            writerIndex += writable;
            append(spare.flip());
        }
        return (int) n;
    }

    /** Writes as much as the socket takes (up to MAX_WRITE) from the front and drops it: bytes written. */
    int writeTo(Socket socket) throws IOException {
        if (view == null) {
            return 0;
        }
        view.limit(Math.min(writerIndex, readerIndex + MAX_WRITE)).position(readerIndex);
        int n = socket.write(view);
        retrieve(n);
        return n;
    }

    /** Makes room for {@code length} more bytes: compacts if that is enough, else grows by doubling. */
    private void ensureWritable(int length) {
        if (bytes.length > 0 && writableBytes() >= length) {
            return;
        }
        int readable = readableBytes();
        if (bytes.length > 0 && bytes.length - CHEAP_PREPEND - readable >= length) {
            // Enough room if the content moves to the front: one copy of what is left, rarely.
            System.arraycopy(bytes, readerIndex, bytes, CHEAP_PREPEND, readable);
        } else {
            int capacity = Math.max(INITIAL_SIZE, grownCapacity(bytes.length, (long) CHEAP_PREPEND + readable + length));
            byte[] grown = capacity > KEEP_AT_MOST ? cache.take(capacity) : new byte[capacity];
            if (readable > 0) {
                System.arraycopy(bytes, readerIndex, grown, CHEAP_PREPEND, readable);
            }
            if (bytes.length > KEEP_AT_MOST) {
                cache.give(bytes);
            }
            bytes = grown;
            view = ByteBuffer.wrap(grown);
            scatter = new ByteBuffer[2];
        }
        readerIndex = CHEAP_PREPEND;
        writerIndex = CHEAP_PREPEND + readable;
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

    private void release() {
        cache.give(bytes);
        bytes = NO_BYTES;
        view = null;
        scatter = null;
    }

    private void putInt(int at, int value) {
        bytes[at] = (byte) (value >>> 24); // most significant byte first
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }
}
