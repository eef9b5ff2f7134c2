package course.reactor;

import java.io.IOException;

/**
 * A TCP server: owns the event loop and the listening socket, so that {@code main} only says
 * where to listen and starts it.
 */
final class TcpServer {
    private final EventLoop loop;
    private final Socket listener;

    /** Listens at once (port 0 picks a free port); start() then serves. */
    TcpServer(InetAddress address) throws IOException {
        loop = new EventLoop();
        try {
            listener = Socket.listen(address);
        } catch (IOException | RuntimeException e) {
            loop.close();
            throw e;
        }
        // Tell us when a connection is waiting to be accepted.
        Channel listenChannel = new Channel(loop, listener);
        listenChannel.setReadCallback(listenChannel::newConnection);
        listenChannel.enableReading();
    }

    /** Where the server listens, with the real port. */
    InetAddress address() {
        return listener.address();
    }

    /** Runs the event loop in the calling thread. */
    void start() throws IOException {
        loop.run();
    }
}
