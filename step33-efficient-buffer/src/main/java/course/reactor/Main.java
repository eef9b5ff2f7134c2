package course.reactor;

import java.io.IOException;
import java.time.Duration;

/** Lesson 33: the echo server with muduo's Buffer: fewer copies, fewer system calls, no memory while idle. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws IOException {
        ServerOptions options = ServerOptions.fromArgs(args);

        EchoServer server = listenOrExit(options);
        server.setIdleTimeout(Duration.ofSeconds(options.idleTimeoutSeconds()));
        server.setShutdownTimeout(Duration.ofSeconds(options.shutdownTimeoutSeconds()));

        // Before the line that tells the world we are up: a SIGTERM right after it must find the handler.
        SignalShutdown shutdown = SignalShutdown.install(server::close, Duration.ofSeconds(options.shutdownTimeoutSeconds()));
        System.out.println("listening on " + server.address());

        try {
            server.start(); // returns once close() has run: the signal's handler then exits 0
        } finally {
            shutdown.mainDone();
        }
    }

    /** A port in use or an unknown host is the learner's most common mistake: say it in one line. */
    private static EchoServer listenOrExit(ServerOptions options) {
        try {
            return new EchoServer(new InetAddress(options.host(), options.port()), options.maxFrame(),
                    options.ioThreads(), options.workers(), EchoServer.delay(options.workDelayMillis()));
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("error: cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage());
            System.exit(1);
            throw new IllegalStateException(e); // not reached
        }
    }
}
