package course.reactor;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * The timers of one loop, in a min-heap by deadline: adding one and taking the earliest cost
 * O(log n), and the loop can always see how long until the next one is due, which is how long
 * it may sleep in select. (The notes' sorted list costs O(n) per insert; a timing wheel would
 * be O(1) but coarse and fixed in range; a heap is the simple general answer.)
 */
final class TimerQueue {
    private final PriorityQueue<Timer> heap =
            new PriorityQueue<>(Comparator.comparing(Timer::deadline).thenComparingLong(Timer::sequence));
    /** Ties in deadline run in the order they were scheduled. */
    private long nextSequence;

    /** Runs {@code task} once the loop's clock reaches {@code deadline}. */
    Timer schedule(Timestamp deadline, Runnable task) {
        Timer timer = new Timer(deadline, nextSequence++, task);
        heap.add(timer);
        return timer;
    }

    /** The earliest deadline still pending, or null if there is none. */
    Timestamp nextDeadline() {
        dropCancelled();
        Timer first = heap.peek();
        return first == null ? null : first.deadline();
    }

    /** Runs, in deadline order, every timer due at {@code now}; returns how many ran. */
    int runExpired(Timestamp now) {
        int ran = 0;
        for (Timer first = heap.peek(); first != null && first.deadline().compareTo(now) <= 0; first = heap.peek()) {
            heap.poll();
            if (!first.cancelled) {
                ran++;
                try {
                    first.task.run(); // may schedule new timers: they go into the heap in order
                } catch (RuntimeException | Error e) { // one broken timer must not stop the others, or the loop
                    System.err.println(Thread.currentThread().getName() + ": timer failed: " + e);
                }
            }
        }
        return ran;
    }

    int size() {
        return heap.size();
    }

    /** Cancelled timers stay in the heap until they reach the top: removing from the middle is O(n). */
    private void dropCancelled() {
        while (!heap.isEmpty() && heap.peek().cancelled) {
            heap.poll();
        }
    }

    /** One scheduled task; cancel() stops it from running. */
    static final class Timer {
        private final Timestamp deadline;
        private final long sequence;
        private final Runnable task;
        private boolean cancelled;

        private Timer(Timestamp deadline, long sequence, Runnable task) {
            this.deadline = deadline;
            this.sequence = sequence;
            this.task = task;
        }

        Timestamp deadline() {
            return deadline;
        }

        long sequence() {
            return sequence;
        }

        void cancel() {
            cancelled = true;
        }
    }
}
