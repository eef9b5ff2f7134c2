package course.reactor;

import java.io.IOException;

/** Lesson 20: the echo server that queues what a client cannot take yet in an output buffer. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws IOException {
        ServerOptions options = ServerOptions.fromArgs(args);

        TcpServer server = listenOrExit(options);

        System.out.println("listening on " + server.address());

        server.start();
    }

    /** A port in use or an unknown host is the learner's most common mistake: say it in one line. */
    private static TcpServer listenOrExit(ServerOptions options) {
        try {
            return new TcpServer(new InetAddress(options.host(), options.port()), options.maxFrame());
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("error: cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage());
            System.exit(1);
            throw new IllegalStateException(e); // not reached
        }
    }
}
