package course.reactor;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The event loop: owns an Epoll and runs "wait for ready channels, let each handle its events,
 * then run the tasks other threads handed over" until asked to stop.
 *
 * <p>One loop per thread: everything a loop owns (its channels, its connections' buffers) is
 * touched only by the thread that runs it. Another thread that needs something done hands it
 * over with runInLoop / queueInLoop, and wakes the loop if it sleeps in select.
 */
final class EventLoop implements AutoCloseable {
    private final Epoll epoll;
    /** Nanoseconds: System.nanoTime, or a fake clock that a test moves by hand. */
    private final LongSupplier clock;
    /** Loop thread only. */
    private final TimerQueue timers = new TimerQueue();
    /**
     * The thread this loop belongs to: the one that made it, until a thread runs it; then that
     * one. Null once run() has returned: then no thread may touch what the loop owns, and only
     * close() cleans up, on the thread that waited for run() to return.
     */
    private volatile Thread thread = Thread.currentThread();
    /** Set when run() returns: from then on no task is taken, and a late one is counted and dropped. */
    private volatile boolean terminated;
    private final CountDownLatch running = new CountDownLatch(1);
    /**
     * The memory of this loop's buffers: each connection reads into a buffer lent from here and
     * gives it back once it has no bytes left. Loop thread only, so no locks.
     */
    private final BufferPool bufferPool = new BufferPool();
    /** Written by stop(), possibly from another thread, read by the loop: hence volatile. */
    private volatile boolean stopped;
    /** How long select may wait; 0 means without limit. */
    private long selectTimeoutMillis;
    /** What to do when select returns with nothing ready: the timeout passed, or a wakeup. */
    private Runnable timeoutCallback = () -> { };
    /** Work handed over by other threads; the loop runs it after the events of each round. */
    private final Queue<Runnable> pendingTasks = new ConcurrentLinkedQueue<>();
    /**
     * True while a wakeup is on its way: the loop will look at its tasks anyway, so nobody
     * needs to wake it again. A wakeup is a system call; a hundred workers replying at once
     * would otherwise make a hundred of them.
     */
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    /** Wakeups actually sent, for tests and monitoring. */
    private final AtomicLong wakeups = new AtomicLong();
    /** Tasks that came too late to run: refused after run() returned, or still queued at close(). */
    private final AtomicLong droppedTasks = new AtomicLong();

    EventLoop() throws IOException {
        this(System::nanoTime);
    }

    EventLoop(LongSupplier clock) throws IOException {
        this.clock = clock;
        epoll = new Epoll();
    }

    /** Runs in the calling thread until stop(). */
    void run() throws IOException {
        thread = Thread.currentThread();
        running.countDown();
        try {
            while (!stopped) {
                // Sleep until a channel is ready, or until the next timer is due.
                List<Channel> ready = epoll.loop(millisToSleep());
                if (ready.isEmpty()) {
                    runGuarded(timeoutCallback, "select-timeout callback");
                }
                for (Channel channel : ready) {
                    handle(channel);
                }
                runPendingTasks();
                timers.runExpired(now());
            }
        } finally {
            terminated = true; // first: a task handed over from now on is refused
            thread = null;
        }
    }

    /**
     * How long select may sleep: until the next timer is due, and no longer than the timeout
     * callback wants; 0 means without limit, -1 means not at all (a timer is due already).
     */
    private long millisToSleep() {
        Timestamp next = timers.nextDeadline();
        if (next == null) {
            return selectTimeoutMillis;
        }
        long nanos = next.nanos() - clock.getAsLong();
        if (nanos <= 0) {
            return -1;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(nanos) + 1; // round up: waking early would only loop
        return selectTimeoutMillis == 0 ? millis : Math.min(millis, selectTimeoutMillis);
    }

    /** The loop's clock now. */
    Timestamp now() {
        return new Timestamp(clock.getAsLong());
    }

    /** Runs {@code task} on this loop once its clock reaches {@code deadline}. Loop thread only. */
    TimerQueue.Timer runAt(Timestamp deadline, Runnable task) {
        assert isInLoopThread() : notInLoopThread("runAt");
        return timers.schedule(deadline, task);
    }

    TimerQueue.Timer runAfter(Duration delay, Runnable task) {
        return runAt(now().plus(delay), task);
    }

    /** Waits until a thread has entered run(): from then on, other threads must hand work over. */
    void awaitRunning() {
        boolean interrupted = false;
        while (running.getCount() > 0) {
            try {
                running.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** True on the thread the loop belongs to; on no thread once it has stopped. */
    boolean isInLoopThread() {
        return thread == Thread.currentThread();
    }

    /** True once run() has returned: the loop runs nothing any more. */
    boolean isTerminated() {
        return terminated;
    }

    /** Runs the task now if we are the loop's thread, else hands it to the loop. */
    void runInLoop(Runnable task) {
        if (isInLoopThread()) {
            task.run();
        } else {
            queueInLoop(task);
        }
    }

    /**
     * Hands the task to the loop, to run after the events of its current or next round. The
     * loop's own thread needs no wakeup: it runs its tasks before it selects again. Once the
     * loop has stopped, nothing runs any more: the task is refused (false) and counted.
     */
    boolean queueInLoop(Runnable task) {
        if (terminated) {
            droppedTasks.incrementAndGet();
            return false;
        }
        pendingTasks.add(task); // if run() ends now, close() counts it
        if (!isInLoopThread()) {
            wakeup();
        }
        return true;
    }

    /** The Java form of the course's eventfd write: Selector.wakeup, but only if none is pending. */
    private void wakeup() {
        if (wakeupPending.compareAndSet(false, true)) {
            wakeups.incrementAndGet();
            epoll.wakeup();
        }
    }

    private void runPendingTasks() {
        // Cleared before draining: a task queued from now on needs, and gets, a new wakeup.
        wakeupPending.set(false);
        // Only the tasks already there: threads that keep handing work over must not keep the
        // loop from its sockets (or from seeing stop()). The rest wait one round, and their
        // wakeup is on its way.
        for (int due = pendingTasks.size(); due > 0; due--) {
            runGuarded(pendingTasks.poll(), "task");
        }
        if (!pendingTasks.isEmpty()) {
            wakeup(); // some were queued by the tasks above, on this thread: nobody else would wake us for them
        }
    }

    /** How many tasks came too late to run, e.g. a worker's reply after the server stopped. */
    long droppedTasks() {
        return droppedTasks.get();
    }

    /** How many wakeups other threads have sent this loop. */
    long wakeups() {
        return wakeups.get();
    }

    /** Calls back whenever select has waited {@code timeoutMillis} with nothing to report. */
    void setTimeoutCallback(long timeoutMillis, Runnable timeoutCallback) {
        this.selectTimeoutMillis = timeoutMillis;
        this.timeoutCallback = timeoutCallback;
    }

    /** Where this loop's buffers take their memory from and give it back; loop thread only. */
    BufferPool bufferPool() {
        return bufferPool;
    }

    /** Runs a callback of the loop's own; one that throws is reported, and the loop goes on. */
    private static void runGuarded(Runnable callback, String what) {
        try {
            callback.run();
        } catch (RuntimeException | Error e) {
            System.err.println(Thread.currentThread().getName() + ": " + what + " failed: " + e);
        }
    }

    /** A bug in one callback costs its own connection, not the loop and everyone on it. */
    private static void handle(Channel channel) {
        try {
            channel.handleEvent();
        } catch (RuntimeException | Error e) { // an Error too: a failed assert, a stack overflow
            System.err.println("closing " + channel.socket() + ": callback failed: " + e);
            if (!channel.socket().isListening()) {
                channel.socket().close(); // or the same event, still pending, fails again and again
            }
        }
    }

    /** Asks the loop to return after the round at hand; safe from any thread. */
    void stop() {
        stopped = true;
        wakeup();
    }

    /**
     * Only the loop's thread may change what the loop watches. The assertion (on in tests,
     * where Maven runs the JVM with -ea; free in production) catches a caller on the wrong
     * thread at once, instead of as a rare, silent race.
     */
    void updateChannel(Channel channel) throws ClosedChannelException {
        assert isInLoopThread() : notInLoopThread("updateChannel");
        epoll.updateChannel(channel);
    }

    /** Takes the channel out of the loop; the socket's descriptor is freed at the next select. */
    void removeChannel(Channel channel) {
        assert isInLoopThread() : notInLoopThread("removeChannel");
        epoll.removeChannel(channel);
    }

    private String notInLoopThread(String method) {
        Thread owner = thread;
        return method + " called on thread " + Thread.currentThread().getName() + "; this loop belongs to thread "
                + (owner == null ? "(none: it has stopped)" : owner.getName()) + ": hand the work over with runInLoop";
    }

    /**
     * Closes the Epoll, and drops (counting them) the tasks still queued: call it once run() has
     * returned, or when it never ran.
     */
    @Override
    public void close() throws IOException {
        terminated = true;
        for (Runnable task = pendingTasks.poll(); task != null; task = pendingTasks.poll()) {
            droppedTasks.incrementAndGet();
        }
        bufferPool.close();
        epoll.close();
    }
}
