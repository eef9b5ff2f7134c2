package course.reactor;

import java.io.IOException;

/** Lesson 8: the echo server whose Channels call back what was registered on them. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws IOException {
        ServerOptions options = ServerOptions.fromArgs(args);

        Socket listener = listenOrExit(options);

        Epoll epoll = new Epoll();
        // Tell us when a connection is waiting to be accepted.
        Channel listenChannel = new Channel(epoll, listener);
        listenChannel.setReadCallback(listenChannel::newConnection);
        listenChannel.enableReading();

        System.out.println("listening on " + listener.address());

        while (true) {
            for (Channel channel : epoll.loop(0)) { // sleep until at least one channel is ready
                channel.handleEvent();
            }
        }
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
