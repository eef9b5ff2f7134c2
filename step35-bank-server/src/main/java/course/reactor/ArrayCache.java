package course.reactor;

/**
 * Big arrays that emptied buffers gave back, kept by one loop for the next buffer that grows.
 * A buffer that empties gives its big array up, so an idle connection pins no memory; but under
 * load the same buffer empties and grows again on every burst, and allocating (and zeroing) a
 * fresh 256 KiB array each time costs more than the copies it is for. With a few arrays kept
 * here, the loop's connections pass them around instead. Netty keeps a per-thread cache of
 * buffers for the same reason. Loop thread only: no locks.
 */
final class ArrayCache {
    /** Arrays above this size are left to the garbage collector: one huge message must not be kept. */
    static final int MAX_CACHED_BYTES = 1024 * 1024;
    /** How many arrays one loop keeps at most: at most this times MAX_CACHED_BYTES pinned. */
    static final int SLOTS = 8;
    /** A cache that keeps nothing, for a buffer used outside any loop. */
    static final ArrayCache NONE = new ArrayCache(0);

    private final byte[][] arrays;
    private int count;

    ArrayCache(int slots) {
        arrays = new byte[slots][];
    }

    /** An array of at least {@code length} bytes: a kept one if it fits, else a new one of exactly that size. */
    byte[] take(int length) {
        for (int i = 0; i < count; i++) {
            byte[] array = arrays[i];
            if (array.length >= length) {
                arrays[i] = arrays[--count]; // order does not matter: fill the hole with the last
                arrays[count] = null;
                return array;
            }
        }
        return new byte[length];
    }

    /** Keeps {@code array} for a later take(), if there is a free slot and it is not too big. */
    void give(byte[] array) {
        if (count < arrays.length && array.length <= MAX_CACHED_BYTES) {
            arrays[count++] = array;
        }
    }

    /** How many arrays are kept now. */
    int size() {
        return count;
    }
}
