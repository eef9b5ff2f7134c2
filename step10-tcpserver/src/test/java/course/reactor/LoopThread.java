package course.reactor;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs an EventLoop on its own thread for a test; closing stops it, joins the thread and closes
 * the loop. Register the first channels before starting: a selector blocked in select does not
 * see a registration made from another thread until something wakes it (lesson 30).
 */
final class LoopThread implements AutoCloseable {
    private final EventLoop loop;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    LoopThread(EventLoop loop) {
        this.loop = loop;
        this.thread = new Thread(() -> {
            try {
                loop.run();
            } catch (IOException | RuntimeException e) {
                failure.set(e);
            }
        }, "test-event-loop");
        thread.start();
    }

    boolean isRunning() {
        return thread.isAlive();
    }

    /** Waits for the loop to return by itself; false if it is still running after the timeout. */
    boolean awaitEnd(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    @Override
    public void close() throws Exception {
        loop.stop();
        thread.join(10_000);
        if (thread.isAlive()) {
            throw new AssertionError("the event loop did not stop");
        }
        loop.close();
        if (failure.get() != null) {
            throw new AssertionError("the event loop failed", failure.get());
        }
    }
}
