package course.reactor;

import java.time.Duration;

/**
 * A point in time on a loop's clock, in nanoseconds: the course's Timestamp. Only differences
 * between two Timestamps of the same clock mean anything (like System.nanoTime, which is the
 * clock outside tests); tests give the loop a fake clock and move it by hand.
 */
record Timestamp(long nanos) implements Comparable<Timestamp> {
    Timestamp plus(Duration duration) {
        return new Timestamp(nanos + duration.toNanos());
    }

    /** How long from {@code earlier} to this one. */
    Duration since(Timestamp earlier) {
        return Duration.ofNanos(nanos - earlier.nanos);
    }

    @Override
    public int compareTo(Timestamp other) {
        return Long.compare(nanos, other.nanos); // nanoTime may be negative: compare, never subtract-and-sign
    }
}
