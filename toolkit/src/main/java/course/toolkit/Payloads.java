package course.toolkit;

import java.util.SplittableRandom;

/** Test payloads: random bytes from a seed, so a failure can be reproduced. */
public final class Payloads {
    private Payloads() {
    }

    public static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }
}
