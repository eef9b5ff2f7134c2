package course.toolkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition by polling it until a deadline: what a test does instead of sleeping
 * for a guessed time. A condition that never comes true fails the test with its description.
 */
public final class Await {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private Await() {
    }

    public static void until(String description, BooleanSupplier condition) {
        until(description, condition, DEFAULT_TIMEOUT);
    }

    public static void until(String description, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("gave up after " + timeout.toMillis() + " ms waiting for: " + description);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
