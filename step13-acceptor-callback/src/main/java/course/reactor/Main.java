package course.reactor;

import java.io.IOException;

/** Lesson 13: the echo server whose Acceptor, called back by its Channel, makes the Connections. */
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
            return new TcpServer(new InetAddress(options.host(), options.port()));
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("error: cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage());
            System.exit(1);
            throw new IllegalStateException(e); // not reached
        }
    }
}
