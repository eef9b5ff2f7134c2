package course.reactor;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * SIGTERM (what {@code kill} and service managers send) and SIGINT (Ctrl-C) shut the server down
 * gracefully, and the process exits 0; if that takes longer than the server's own deadline plus a
 * margin, a watchdog ends the process with status 1 and one line.
 *
 * <p>Java's standard API has no signal handlers: a shutdown hook runs on every exit, and cannot
 * tell SIGTERM from {@code System.exit(3)} or choose the status. {@code sun.misc.Signal} can (it
 * is in the JDK's jdk.unsupported module, kept for exactly this), so only these two signals get
 * the graceful path and status 0: any other exit keeps its own status.
 */
final class SignalShutdown {
    /** What the watchdog gives the last steps (joins, closes) beyond the server's own deadline. */
    static final Duration MARGIN = Duration.ofSeconds(3);

    private final Runnable gracefulClose;
    private final Duration deadline;
    private final CountDownLatch mainDone = new CountDownLatch(1);
    private final AtomicBoolean signalled = new AtomicBoolean();

    private SignalShutdown(Runnable gracefulClose, Duration deadline) {
        this.gracefulClose = gracefulClose;
        this.deadline = deadline;
    }

    /** From now on SIGTERM or SIGINT runs {@code gracefulClose} and exits 0, within shutdownTimeout and the margin. */
    static SignalShutdown install(Runnable gracefulClose, Duration shutdownTimeout) {
        SignalShutdown shutdown = new SignalShutdown(gracefulClose, shutdownTimeout.plus(MARGIN));
        Signal.handle(new Signal("TERM"), shutdown::onSignal);
        Signal.handle(new Signal("INT"), shutdown::onSignal);
        return shutdown;
    }

    /** main() calls this when the server has returned. */
    void mainDone() {
        mainDone.countDown();
    }

    /** On the JVM's signal thread. A second signal while the first is handled changes nothing. */
    private void onSignal(Signal signal) {
        if (!signalled.compareAndSet(false, true)) {
            return;
        }
        startWatchdog(signal);
        gracefulClose.run(); // returns once the server is closed, or its timeout is up
        try {
            mainDone.await(MARGIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.exit(0);
    }

    /** A shutdown must end: a callback stuck in a loop, or a worker deaf to interrupts, cannot keep the process. */
    private void startWatchdog(Signal signal) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(deadline.toMillis()); // a deadline to wait for, not a condition to poll
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("shutdown after SIG" + signal.getName() + " did not end within "
                    + deadline.toSeconds() + " s: exiting with status 1");
            Runtime.getRuntime().halt(1);
        }, "shutdown-watchdog");
        watchdog.setDaemon(true); // it must not keep the JVM alive once the shutdown is over
        watchdog.start();
    }
}
