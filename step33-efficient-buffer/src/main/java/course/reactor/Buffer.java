package course.reactor;

import java.io.IOException;
import java.nio.ByteBuffer;

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
 * by doubling. The memory is direct and lent by the loop's pool: the socket reads into it and
 * writes from it with no copy of ours or the JDK's, and a buffer that runs empty gives it back,
 * so an idle connection holds no buffer memory.
 */
final class Buffer {
    /** The length header of the course's protocol: 4 bytes, big-endian (network byte order). */
    static final int HEADER_BYTES = 4;
    /** Room kept in front of the content, so a header can be put before a body without moving it. */
    static final int CHEAP_PREPEND = 8;
    /** The most one read takes, whatever the buffer's size: one read round stays bounded (backpressure counts on it). */
    static final int MAX_READ = 256 * 1024;
    /** The largest buffer: the pool's largest size. */
    static final int MAX_CAPACITY = 1 << 30;
    /** Fewer readable bytes than this share of the capacity move to a smaller buffer in trim(). */
    private static final int TRIM_RATIO = 16;

    /** Who lends the memory, and takes it back. */
    private final BufferPool pool;
    /**
     * Null while the buffer is empty. Read and written with absolute indexes, which a ByteBuffer
     * checks against its limit: so position and limit are set only for a socket call, and
     * cleared (limit = capacity) right after.
     */
    private ByteBuffer memory;
    private int readerIndex = CHEAP_PREPEND;
    private int writerIndex = CHEAP_PREPEND;

    /** A buffer whose memory comes from {@code pool}, its loop's. */
    Buffer(BufferPool pool) {
        this.pool = pool;
    }

    /** A buffer on its own, outside any loop. */
    Buffer() {
        this(new BufferPool());
    }

    int readableBytes() {
        return writerIndex - readerIndex;
    }

    int writableBytes() {
        return memory == null ? 0 : memory.capacity() - writerIndex;
    }

    int prependableBytes() {
        return readerIndex;
    }

    /** The size of the memory underneath; 0 while there is none. */
    int capacity() {
        return memory == null ? 0 : memory.capacity();
    }

    void append(byte[] source, int offset, int length) {
        ensureWritable(length);
        memory.put(writerIndex, source, offset, length);
        writerIndex += length;
    }

    /** Appends {@code length} bytes of {@code source} from {@code index} on; source's position stays. */
    void append(ByteBuffer source, int index, int length) {
        ensureWritable(length);
        memory.put(writerIndex, source, index, length);
        writerIndex += length;
    }

    /** Appends one message: its length as a 4-byte big-endian header, then the body. */
    void appendMessage(byte[] body) {
        ensureWritable(HEADER_BYTES + body.length);
        memory.putInt(writerIndex, body.length);
        memory.put(writerIndex + HEADER_BYTES, body, 0, body.length);
        writerIndex += HEADER_BYTES + body.length;
    }

    /** Appends one message whose body is {@code length} bytes of {@code source} from {@code index} on. */
    void appendMessage(ByteBuffer source, int index, int length) {
        ensureWritable(HEADER_BYTES + length);
        memory.putInt(writerIndex, length);
        memory.put(writerIndex + HEADER_BYTES, source, index, length);
        writerIndex += HEADER_BYTES + length;
    }

    /**
     * Puts a 4-byte big-endian number in front of the readable bytes, in the prependable space:
     * for a codec that writes a body first and learns its length after.
     */
    void prependInt(int value) {
        if (memory == null) {
            ensureWritable(0);
        }
        if (readerIndex < HEADER_BYTES) {
            throw new IllegalStateException("no room in front for a header: " + readerIndex + " bytes prependable");
        }
        readerIndex -= HEADER_BYTES;
        memory.putInt(readerIndex, value);
    }

    /** The 4-byte big-endian number that starts {@code offset} readable bytes in: a message's length. */
    int peekInt(int offset) {
        return memory.getInt(readerIndex + offset); // big-endian, a ByteBuffer's default
    }

    /** A copy of {@code length} readable bytes starting {@code offset} bytes in; they stay in place. */
    byte[] copy(int offset, int length) {
        byte[] copy = new byte[length];
        memory.get(readerIndex + offset, copy);
        return copy;
    }

    /**
     * The {@code length} readable bytes {@code offset} bytes in, where they lie: a view, valid
     * while the buffer does not change, that only {@code loop}'s thread may read.
     */
    Message view(int offset, int length, EventLoop loop) {
        return new Message(memory, readerIndex + offset, length, loop);
    }

    /** Whether {@code message} is a view of this buffer's memory. */
    boolean holds(Message message) {
        return memory != null && message.lendsFrom(memory);
    }

    /** Takes {@code length} bytes from the front: the reader index moves, nothing is copied. */
    void retrieve(int length) {
        readerIndex += length;
        if (readerIndex == writerIndex) {
            readerIndex = CHEAP_PREPEND; // empty: back to the front, for free
            writerIndex = CHEAP_PREPEND;
            release();
        }
    }

    void retrieveAll() {
        retrieve(readableBytes());
    }

    /**
     * If a few bytes hold a big buffer (a message's first bytes, say), moves them into a buffer
     * their size and gives the big one back: a client that sends a few bytes and stops must not
     * hold a big buffer with them.
     */
    void trim() {
        int readable = readableBytes();
        if (memory == null || (long) (CHEAP_PREPEND + readable) * TRIM_RATIO > memory.capacity()) {
            return;
        }
        ByteBuffer small = pool.take(CHEAP_PREPEND + readable);
        small.put(CHEAP_PREPEND, memory, readerIndex, readable);
        pool.give(memory);
        memory = small;
        readerIndex = CHEAP_PREPEND;
        writerIndex = CHEAP_PREPEND + readable;
    }

    /**
     * Reads from the socket into the writable space, after making at least {@code room} bytes
     * of it: at most MAX_READ bytes. Bytes read; 0 if none; -1 at EOF.
     */
    int readFrom(Socket socket, int room) throws IOException {
        ensureWritable(room);
        memory.limit((int) Math.min(memory.capacity(), (long) writerIndex + MAX_READ)).position(writerIndex);
        int n;
        try {
            n = socket.read(memory);
        } finally {
            memory.clear();
        }
        if (n > 0) {
            writerIndex += n;
        }
        return n;
    }

    /** Writes as much as the socket takes from the front and drops it: bytes written. */
    int writeTo(Socket socket) throws IOException {
        if (readableBytes() == 0) {
            return 0;
        }
        int n = writeTo(socket, 0, readableBytes());
        retrieve(n);
        return n;
    }

    /** Writes what the socket takes of {@code length} readable bytes {@code offset} in, and keeps them: bytes written. */
    int writeTo(Socket socket, int offset, int length) throws IOException {
        memory.limit(readerIndex + offset + length).position(readerIndex + offset);
        try {
            return socket.write(memory);
        } finally {
            memory.clear();
        }
    }

    /** Appends {@code length} readable bytes of {@code source}, {@code offset} in: a copy, source unchanged. */
    void append(Buffer source, int offset, int length) {
        append(source.memory, source.readerIndex + offset, length);
    }

    /** Makes room for {@code length} more bytes: compacts if that is enough, else grows by doubling. */
    void ensureWritable(int length) {
        if (memory != null && writableBytes() >= length) {
            return;
        }
        int readable = readableBytes();
        long needed = (long) CHEAP_PREPEND + readable + length;
        if (memory != null && memory.capacity() >= needed) {
            // Enough room if the content moves to the front: one copy of what is unread, and
            // the more room a buffer has, the more rarely.
            memory.put(CHEAP_PREPEND, memory, readerIndex, readable);
        } else {
            if (needed > MAX_CAPACITY) {
                throw new IllegalStateException("a buffer cannot hold " + needed + " bytes");
            }
            int capacity = (int) Math.min(MAX_CAPACITY, Math.max(needed, 2L * capacity()));
            ByteBuffer grown = pool.take(capacity);
            if (readable > 0) {
                grown.put(CHEAP_PREPEND, memory, readerIndex, readable);
            }
            if (memory != null) {
                pool.give(memory);
            }
            memory = grown;
        }
        readerIndex = CHEAP_PREPEND;
        writerIndex = CHEAP_PREPEND + readable;
    }

    /** Gives the memory back, whatever it holds: for a buffer whose owner is done with it. */
    void release() {
        if (memory != null) {
            pool.give(memory);
            memory = null;
        }
        readerIndex = CHEAP_PREPEND;
        writerIndex = CHEAP_PREPEND;
    }
}
