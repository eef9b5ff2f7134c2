package course.reactor;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The memory of one loop's buffers: direct ByteBuffers, lent to a buffer while it holds bytes
 * and given back when it empties, so an idle connection holds none. Direct, because the kernel
 * reads into direct memory and writes from it with no copy in between; a heap array goes through
 * a temporary direct buffer of the JDK's, one more copy, and the JDK keeps one per thread as
 * large as the largest read or write. Making direct memory is slow (it is zeroed, and counted),
 * so the loop keeps what comes back: a connection that takes a buffer for each read gets the
 * same one each time, still in the CPU's cache. Sizes are powers of two. Netty keeps a cache of
 * buffers per thread for the same reasons. Loop thread only: no locks.
 */
final class BufferPool {
    /** The smallest buffer handed out. */
    static final int MIN_SIZE = 1024;
    /** At most this much memory is kept for later, per loop; what does not fit goes to the GC. */
    static final int MAX_POOLED_BYTES = 8 << 20;
    private static final int CLASSES = 31;

    /** Free buffers by size: free[k] holds buffers of 2^k bytes. */
    @SuppressWarnings("unchecked")
    private final ArrayDeque<ByteBuffer>[] free = new ArrayDeque[CLASSES];
    private long pooledBytes;
    private boolean closed;

    /** A buffer of at least {@code minCapacity} bytes, cleared: a kept one if there is one that size. */
    ByteBuffer take(int minCapacity) {
        int sizeClass = sizeClass(minCapacity);
        ArrayDeque<ByteBuffer> kept = free[sizeClass];
        ByteBuffer buffer = kept == null ? null : kept.pollLast(); // the last given back: the warmest
        if (buffer == null) {
            return ByteBuffer.allocateDirect(1 << sizeClass);
        }
        pooledBytes -= buffer.capacity();
        return buffer.clear();
    }

    /** Keeps {@code buffer} for a later take(), if the pool has room; its giver must not touch it again. */
    void give(ByteBuffer buffer) {
        int capacity = buffer.capacity();
        if (closed || Integer.bitCount(capacity) != 1 || pooledBytes + capacity > MAX_POOLED_BYTES) {
            return; // the GC frees it
        }
        int sizeClass = Integer.numberOfTrailingZeros(capacity);
        if (free[sizeClass] == null) {
            free[sizeClass] = new ArrayDeque<>();
        }
        free[sizeClass].addLast(buffer);
        pooledBytes += capacity;
    }

    /** Bytes kept for later now. */
    long pooledBytes() {
        return pooledBytes;
    }

    /** Drops what is kept; buffers given back later are dropped too. By the loop's owner, at its end. */
    void close() {
        closed = true;
        Arrays.fill(free, null);
        pooledBytes = 0;
    }

    /** The power of two a buffer of {@code minCapacity} bytes comes in: 2^k, k from 10 to 30. */
    static int sizeClass(int minCapacity) {
        if (minCapacity > 1 << 30) {
            throw new IllegalArgumentException("no buffer holds " + minCapacity + " bytes");
        }
        int atLeast = Math.max(MIN_SIZE, minCapacity);
        return 32 - Integer.numberOfLeadingZeros(atLeast - 1);
    }
}
