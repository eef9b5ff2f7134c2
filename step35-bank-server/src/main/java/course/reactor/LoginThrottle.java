package course.reactor;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed logins per user name, over every connection: after {@link #FREE_FAILURES} of them, the
 * next attempt for that name must wait 1 s after the last failure, then 2 s, 4 s, ... up to a
 * minute; an attempt that comes sooner is refused without its password being checked (no hash
 * to pay for, and nothing learnt from it). A success forgets the name, and so does a quiet
 * quarter of an hour.
 *
 * <p>Names that have no account are counted like the others: the answers are the same for
 * both, so the throttle does not tell which users exist. That is also why the table has a
 * bound ({@link #MAX_NAMES}, least recently failed out first): a guesser may invent names.
 */
final class LoginThrottle {
    static final int FREE_FAILURES = 3;
    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    static final Duration MAX_DELAY = Duration.ofMinutes(1);
    static final Duration FORGET_AFTER = Duration.ofMinutes(15);
    static final int MAX_NAMES = 10_000;

    private final LongSupplier clock;
    /** Guarded by this; in access order, so that the eldest is the least recently failed. */
    private final Map<String, Failures> failures = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            return size() > MAX_NAMES;
        }
    };

    /** {@code clock} in nanoseconds: System::nanoTime, or a test's fake one. */
    LoginThrottle(LongSupplier clock) {
        this.clock = clock;
    }

    /** How long {@code user} must still wait before a login may be tried; zero if now. */
    synchronized Duration waitFor(String user) {
        Failures record = current(user);
        if (record == null || record.count < FREE_FAILURES) {
            return Duration.ZERO;
        }
        long waited = clock.getAsLong() - record.lastNanos;
        return Duration.ofNanos(Math.max(0, delay(record.count).toNanos() - waited));
    }

    synchronized void failed(String user) {
        Failures record = current(user);
        if (record == null) {
            record = new Failures();
            failures.put(user, record);
        }
        record.count++;
        record.lastNanos = clock.getAsLong();
    }

    synchronized void succeeded(String user) {
        failures.remove(user);
    }

    /** The wait after {@code count} failures in a row: 1 s after the third, doubling, at most MAX_DELAY. */
    static Duration delay(int count) {
        int doublings = Math.min(count - FREE_FAILURES, 6); // 2^6 s is beyond the cap already
        Duration delay = FIRST_DELAY.multipliedBy(1L << doublings);
        return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    }

    /** The name's failures, or null if it has none or they are old enough to forget. */
    private Failures current(String user) {
        Failures record = failures.get(user);
        if (record != null && clock.getAsLong() - record.lastNanos >= FORGET_AFTER.toNanos()) {
            failures.remove(user);
            return null;
        }
        return record;
    }

    private static final class Failures {
        int count;
        long lastNanos;
    }
}
