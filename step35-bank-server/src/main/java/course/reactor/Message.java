package course.reactor;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One whole message. As the message callback gets it, it is a view: the bytes where the read
 * put them, in the connection's input buffer, not copied. A view is valid only during that
 * callback and only on its IO thread, because the buffer moves on as soon as the callback
 * returns; used later or from another thread it throws, instead of showing other bytes. To keep
 * a message longer (for a worker, say) take copy(), once: a copy owns its bytes and is valid
 * anywhere. muduo hands the callback its Buffer itself, with the same rule left to the reader's
 * care; Netty counts references to each buffer instead (retain, release).
 */
final class Message {
    /** Where a view's bytes lie: the buffer's own memory, never handed out; null for a copy. */
    private final ByteBuffer memory;
    /** A copy's bytes, its own; null for a view. */
    private final byte[] bytes;
    /** The index of a view's first body byte in memory; its header is the 4 bytes before. */
    private final int start;
    private final int length;
    /** The loop whose thread may read a view; null for a copy. */
    private final EventLoop loop;
    /** False once the callback has returned; loop thread only. */
    private boolean valid = true;

    /** A view of {@code length} bytes of {@code memory} from {@code start} on, for {@code loop}'s thread only. */
    Message(ByteBuffer memory, int start, int length, EventLoop loop) {
        this.memory = memory;
        this.bytes = null;
        this.start = start;
        this.length = length;
        this.loop = loop;
    }

    private Message(byte[] bytes) {
        this.memory = null;
        this.bytes = bytes;
        this.start = 0;
        this.length = bytes.length;
        this.loop = null;
    }

    /** A message that owns {@code bytes} (not copied: do not change them after). */
    static Message of(byte[] bytes) {
        return new Message(bytes);
    }

    int length() {
        checkUsable();
        return length;
    }

    byte get(int index) {
        checkUsable();
        Objects.checkIndex(index, length);
        return bytes != null ? bytes[index] : memory.get(start + index);
    }

    /** The bytes in an array of their own: a copy. */
    byte[] toByteArray() {
        checkUsable();
        if (bytes != null) {
            return bytes.clone();
        }
        byte[] copy = new byte[length];
        memory.get(start, copy);
        return copy;
    }

    /** A message that owns its bytes, valid anywhere: for a view a copy, the one this path makes; a copy itself. */
    Message copy() {
        return loop == null ? this : new Message(toByteArray());
    }

    /** True for a view into a connection's buffer; false for a message that owns its bytes. */
    boolean isView() {
        return loop != null;
    }

    /** Whether a view's bytes lie in {@code buffer}: for a connection, to echo a view straight from its input. */
    boolean lendsFrom(ByteBuffer buffer) {
        return memory != null && memory == buffer;
    }

    /** Appends this message, framed, to {@code buffer}: a copy, whichever kind it is. */
    void appendTo(Buffer buffer) {
        checkUsable();
        if (bytes != null) {
            buffer.appendMessage(bytes);
        } else {
            buffer.appendMessage(memory, start, length);
        }
    }

    /** The index of a view's first body byte in its buffer's memory. */
    int start() {
        checkUsable(); // a dead view of reused memory must not pass for a live one
        return start;
    }

    /** Called when the callback returns: from now on this view throws instead of showing other bytes. */
    void invalidate() {
        valid = false;
    }

    private void checkUsable() {
        if (loop != null && (!valid || !loop.isInLoopThread())) {
            throw new IllegalStateException("a message is a view, valid only during its callback on its IO thread:"
                    + " keep message.copy() instead");
        }
    }
}
