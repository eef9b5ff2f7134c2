package course.reactor;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Runs tasks one at a time, in the order given, on a shared ThreadPool. One per connection keeps
 * that connection's replies in order while different connections still run in parallel; a
 * plain pool would let two workers answer one client's messages out of order.
 */
final class SerialExecutor {
    private final ThreadPool pool;
    /** Guarded by this. */
    private final Deque<Runnable> tasks = new ArrayDeque<>();
    /** Guarded by this: a pool thread is draining our tasks. */
    private boolean draining;

    SerialExecutor(ThreadPool pool) {
        this.pool = pool;
    }

    void execute(Runnable task) {
        synchronized (this) {
            tasks.addLast(task);
            if (draining) {
                return; // the running drain will get to it, in order
            }
            draining = true;
        }
        pool.submit(this::drain);
    }

    private void drain() {
        while (true) {
            Runnable task;
            synchronized (this) {
                task = tasks.pollFirst();
                if (task == null) {
                    draining = false;
                    return;
                }
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                // One failed task must not stall the ones queued behind it.
                System.err.println(Thread.currentThread().getName() + ": task failed: " + e);
            }
        }
    }
}
