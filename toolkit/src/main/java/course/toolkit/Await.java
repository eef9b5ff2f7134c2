package course.toolkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for a condition by polling it until a deadline: what a test does instead of sleeping
 * for a guessed time. A condition that never comes true fails the test with its description.
 */
public final class Await {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private Await() {
    }

    public static void until(String description, Condition condition) {
        until(description, condition, DEFAULT_TIMEOUT);
    }

    /** Polls until {@code poll} returns something other than null, and returns it. */
    public static <T> T value(String description, Poll<T> poll) {
        Object[] found = new Object[1];
        until(description, () -> {
            found[0] = poll.get();
            return found[0] != null;
        });
        @SuppressWarnings("unchecked")
        T value = (T) found[0];
        return value;
    }

    public static void until(String description, Condition condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!holds(condition, description)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("gave up after " + timeout.toMillis() + " ms waiting for: " + description);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private static boolean holds(Condition condition, String description) {
        try {
            return condition.holds();
        } catch (Exception e) {
            throw new AssertionError("failed while waiting for: " + description, e);
        }
    }

    /** A condition to poll; it may throw, as a non-blocking accept or read does. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** A value to poll for; null means not yet. */
    @FunctionalInterface
    public interface Poll<T> {
        T get() throws Exception;
    }
}
