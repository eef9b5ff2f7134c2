package course.reactor;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM (what {@code kill} and service managers send) and SIGINT (Ctrl-C) shut the server down
 * gracefully, and the process exits 0.
 *
 * <p>Java has no standard API to handle a signal. What it has: on SIGTERM, SIGINT or SIGHUP the
 * JVM runs its shutdown hooks, then exits with 128 + the signal's number (143 for SIGTERM), as
 * if the signal had killed it. So our hook does the whole graceful shutdown, waits for main()
 * to finish, and ends the process itself with status 0. The hook also runs when the JVM exits
 * for any other reason: then it does nothing and the exit status stays what it was.
 */
final class SignalShutdown {
    /** How long the hook waits for main() after the server's close(): a margin for the last steps. */
    private static final long MAIN_MARGIN_SECONDS = 5;

    private final Runnable gracefulClose;
    private final CountDownLatch mainDone = new CountDownLatch(1);
    /** Set when main() ends on its own (an error): the JVM is leaving with its own status. */
    private volatile boolean mainEnded;

    private SignalShutdown(Runnable gracefulClose) {
        this.gracefulClose = gracefulClose;
    }

    /** From now on a signal runs {@code gracefulClose} and exits 0. */
    static SignalShutdown install(Runnable gracefulClose) {
        SignalShutdown shutdown = new SignalShutdown(gracefulClose);
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown::onSignal, "shutdown"));
        return shutdown;
    }

    /** main() calls this when the server has returned: closed by the hook, or failed. */
    void mainDone() {
        mainDone.countDown();
    }

    /** main() calls this when it ends by an error: the hook then leaves the exit status alone. */
    void mainFailed() {
        mainEnded = true;
    }

    private void onSignal() {
        if (mainEnded) {
            return;
        }
        gracefulClose.run(); // returns once the server is closed, or its timeout is up
        try {
            mainDone.await(MAIN_MARGIN_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!mainEnded) {
            // The only way a hook can choose the status; no other hook of ours is left to run.
            Runtime.getRuntime().halt(0);
        }
    }
}
