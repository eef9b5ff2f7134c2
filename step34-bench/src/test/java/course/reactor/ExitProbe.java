package course.reactor;

import java.time.Duration;

/** A process that installs the signal handler, then exits with status 3 from another thread. */
final class ExitProbe {
    private ExitProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        SignalShutdown.install(() -> System.out.println("graceful close"), Duration.ofSeconds(1));
        Thread exiting = new Thread(() -> System.exit(3), "exiting");
        exiting.start();
        exiting.join(); // never returns: the JVM exits meanwhile
    }
}
