package course.reactor;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs an EventLoop, a TcpServer or a BankServer on its own thread for a test; closing stops it, joins the
 * thread and closes what is left. Register the first channels before starting: a selector
 * blocked in select does not see a registration made from another thread until something wakes
 * it (lesson 30).
 */
final class LoopThread implements AutoCloseable {
    private final Runnable stop;
    private final IoAction afterStop;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    LoopThread(EventLoop loop) {
        this(loop::run, loop::stop, loop::close);
    }

    /** The server closes its loop, listener and connections itself when start() returns. */
    LoopThread(TcpServer server) {
        this(server::start, server::stop, () -> { });
    }

    /** Likewise, and its workers end too. */
    LoopThread(BankServer server) {
        this(server::start, server::stop, () -> { });
    }

    private LoopThread(IoAction run, Runnable stop, IoAction afterStop) {
        this.stop = stop;
        this.afterStop = afterStop;
        this.thread = new Thread(() -> {
            try {
                run.run();
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
        stop.run();
        thread.join(10_000);
        if (thread.isAlive()) {
            throw new AssertionError("the event loop did not stop");
        }
        afterStop.run();
        if (failure.get() != null) {
            throw new AssertionError("the event loop failed", failure.get());
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }
}
