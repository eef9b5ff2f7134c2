package course.reactor;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks one at a time, in the order given, on a shared ThreadPool. One per connection keeps
 * that connection's replies in order while different connections still run in parallel; a
 * plain pool would let two workers answer one client's messages out of order.
 */
final class SerialExecutor {
    private final ThreadPool pool;
    /** Guarded by this. */
    private final Deque<Runnable> tasks = new ArrayDeque<>();
    /** Guarded by this: a turn of ours is queued on the pool or running. */
    private boolean scheduled;

    SerialExecutor(ThreadPool pool) {
        this.pool = pool;
    }

    void execute(Runnable task) {
        if (!enqueue(task)) {
            return; // the turn in progress will get to it, in order
        }
        try {
            pool.submit(this::runTurn);
        } catch (RejectedExecutionException e) {
            synchronized (this) { // the pool has stopped: nothing queued here can run any more
                tasks.clear();
                scheduled = false;
            }
            throw e;
        }
    }

    /**
     * Like execute, but a turn that has to start is added to {@code turns} instead of going to the
     * pool now: the caller submits the turns of many connections together (ThreadPool.submitAll).
     * If the pool refuses them, it has stopped, and what is queued here never runs.
     */
    void execute(Runnable task, List<Runnable> turns) {
        if (enqueue(task)) {
            turns.add(this::runTurn);
        }
    }

    /** Queues the task; true if it needs a new turn, none being queued or running. */
    private synchronized boolean enqueue(Runnable task) {
        tasks.addLast(task);
        if (scheduled) {
            return false;
        }
        scheduled = true;
        return true;
    }

    /**
     * One turn: the oldest task, then back to the end of the pool's queue if more are waiting.
     * One task per turn, not all of them: a client that pipelines a thousand requests would
     * otherwise keep a worker to itself while everyone else's requests wait.
     */
    private void runTurn() {
        while (true) {
            Runnable task;
            synchronized (this) {
                task = tasks.pollFirst(); // never null: a turn is scheduled only while tasks wait
            }
            try {
                task.run();
            } catch (Throwable e) { // an Error too: it would leave this queue scheduled and never run again
                // One failed task must not stall the ones queued behind it.
                System.err.println(Thread.currentThread().getName() + ": task failed: " + e);
            }
            synchronized (this) {
                if (tasks.isEmpty()) {
                    scheduled = false;
                    return;
                }
            }
            try {
                pool.submit(this::runTurn);
                return;
            } catch (RejectedExecutionException e) {
                // The pool is stopping and finishes what it has: finish ours here, in order.
            }
        }
    }
}
