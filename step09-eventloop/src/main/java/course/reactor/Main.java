package course.reactor;

import java.io.IOException;

/** Lesson 9: the echo server run by an {@link EventLoop}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws IOException {
        ServerOptions options = ServerOptions.fromArgs(args);

        Socket listener = listenOrExit(options);

        EventLoop loop = new EventLoop();
        // Tell us when a connection is waiting to be accepted.
        Channel listenChannel = new Channel(loop, listener);
        listenChannel.setReadCallback(listenChannel::newConnection);
        listenChannel.enableReading();

        System.out.println("listening on " + listener.address());

        loop.run();
    }

    /** A port in use or an unknown host is the learner's most common mistake: say it in one line. */
    private static Socket listenOrExit(ServerOptions options) {
        try {
            return Socket.listen(new InetAddress(options.host(), options.port()));
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("error: cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage());
            System.exit(1);
            throw new IllegalStateException(e); // not reached
        }
    }
}
