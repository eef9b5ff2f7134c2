package course.reactor.bench;

import java.util.Random;

/**
 * When an open-loop connection means to send its frames: the first at {@code startNanos}, then one
 * every {@code intervalNanos}, whatever the replies do. Frame k is due at start + k × interval,
 * and its latency is measured from that instant: a frame sent late, because the server stalled or
 * the generator fell behind, carries the delay in its latency instead of hiding it (wrk2's rule;
 * the closed loop's blind spot is called coordinated omission).
 */
record Schedule(long startNanos, long intervalNanos) {
    Schedule {
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("interval must be positive: " + intervalNanos);
        }
    }

    /**
     * A schedule whose first frame falls at a random point of the first interval after
     * {@code originNanos}: connections started together then spread their sends evenly, instead of
     * all sending at the same instant, once per interval, in a burst.
     */
    static Schedule withRandomPhase(long originNanos, long intervalNanos, Random random) {
        return new Schedule(originNanos + random.nextLong(intervalNanos), intervalNanos);
    }

    /** The interval between frames of one of {@code connections} that together offer {@code perSecond}. */
    static long intervalNanos(double perSecond, int connections) {
        if (perSecond <= 0 || connections <= 0) {
            throw new IllegalArgumentException("rate and connections must be positive: " + perSecond + ", " + connections);
        }
        return Math.max(1, Math.round(connections * 1e9 / perSecond));
    }

    /** The instant frame {@code frame} (counted from 0) is meant to be sent. */
    long intendedNanos(long frame) {
        return startNanos + frame * intervalNanos;
    }

    /**
     * How many frames are due at {@code nowNanos}: all whose intended time has come, however late
     * the caller asks. A generator that wakes up five intervals late owes five frames, not one.
     */
    long framesDueBy(long nowNanos) {
        long sinceStart = nowNanos - startNanos;
        return sinceStart < 0 ? 0 : sinceStart / intervalNanos + 1;
    }
}
