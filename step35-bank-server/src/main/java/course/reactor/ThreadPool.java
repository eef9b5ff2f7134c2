package course.reactor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed number of named threads taking tasks from one queue: the course's ThreadPool, written
 * by hand to show its three parts (a queue, a lock, a condition to sleep on). Production code
 * uses {@link java.util.concurrent.ThreadPoolExecutor}; the README compares the two.
 */
final class ThreadPool implements AutoCloseable {
    private final String name;
    private final List<Thread> threads = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a task is queued or the pool stops; workers sleep on it. */
    private final Condition changed = lock.newCondition();
    /** Signalled when the last running task ends with nothing queued; awaitIdle sleeps on it. */
    private final Condition idle = lock.newCondition();
    /** Guarded by lock. */
    private final Deque<Runnable> tasks = new ArrayDeque<>();
    /** Guarded by lock. Once set, no task is accepted and workers leave when the queue is empty. */
    private boolean stopping;
    /** Guarded by lock: tasks a thread has taken and not finished. */
    private int running;

    ThreadPool(String name, int threadCount) {
        if (threadCount < 1) {
            throw new IllegalArgumentException("a thread pool needs at least one thread, not " + threadCount);
        }
        this.name = name;
        for (int i = 1; i <= threadCount; i++) {
            threads.add(new Thread(this::work, name + "-" + i));
        }
        threads.forEach(Thread::start);
    }

    /** Queues a task for the next free thread; refused once stop() has begun. */
    void submit(Runnable task) {
        lock.lock();
        try {
            if (stopping) {
                throw new RejectedExecutionException("thread pool " + name + " is stopped");
            }
            tasks.addLast(task);
            changed.signal(); // one task, one sleeper to wake
        } finally {
            lock.unlock();
        }
    }

    /** Queues several tasks under one lock, and wakes as many threads as they can use. */
    void submitAll(List<Runnable> batch) {
        lock.lock();
        try {
            if (stopping) {
                throw new RejectedExecutionException("thread pool " + name + " is stopped");
            }
            tasks.addAll(batch);
            for (int i = Math.min(batch.size(), threads.size()); i > 0; i--) {
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    int threadCount() {
        return threads.size();
    }

    /**
     * Refuses new tasks, lets the threads finish every task already queued, and waits for them
     * to end. Calling it from one of the pool's own threads would wait for itself: refused.
     */
    void stop() {
        if (threads.contains(Thread.currentThread())) {
            throw new IllegalStateException("a thread of pool " + name + " cannot stop its own pool");
        }
        lock.lock();
        try {
            stopping = true;
            changed.signalAll(); // every sleeper must see it
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        for (Thread thread : threads) {
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true; // keep waiting: stop() promises the threads are gone
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until no task is queued or running, or until the deadline (System.nanoTime) passes;
     * true if the pool went idle. New tasks are still accepted meanwhile.
     */
    boolean awaitIdle(long deadlineNanos) {
        lock.lock();
        try {
            while (!tasks.isEmpty() || running > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    idle.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives up on the work: drops every queued task, interrupts the running ones, and waits for
     * the threads to end. Returns how many queued tasks were dropped.
     */
    int stopNow() {
        int dropped;
        lock.lock();
        try {
            stopping = true;
            dropped = tasks.size();
            tasks.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        threads.forEach(Thread::interrupt);
        stop();
        return dropped;
    }

    @Override
    public void close() {
        stop();
    }

    private void finished() {
        lock.lock();
        try {
            running--;
            if (running == 0 && tasks.isEmpty()) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** What each thread runs: take a task, run it, until stopping and nothing is left. */
    private void work() {
        while (true) {
            Runnable task;
            lock.lock();
            try {
                while (tasks.isEmpty() && !stopping) {
                    changed.awaitUninterruptibly(); // releases the lock while asleep
                }
                if (tasks.isEmpty()) {
                    return; // stopping, and the queue is drained
                }
                task = tasks.pollFirst();
                running++;
            } finally {
                lock.unlock();
            }
            try {
                task.run(); // outside the lock, so other threads can take tasks meanwhile
            } catch (Throwable e) { // an Error too: a worker lost quietly would leave the pool a thread short
                // One bad task must not take a thread with it.
                System.err.println(Thread.currentThread().getName() + ": task failed: " + e);
            } finally {
                finished();
            }
        }
    }
}
