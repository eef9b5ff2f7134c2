package course.reactor;

import java.io.IOException;

/**
 * A TCP server: owns the event loop and the Acceptor, so that {@code main} only says where to
 * listen and starts it.
 */
final class TcpServer {
    private final EventLoop loop;
    private final Acceptor acceptor;

    /** Listens at once (port 0 picks a free port); start() then serves. */
    TcpServer(InetAddress address) throws IOException {
        loop = new EventLoop();
        try {
            acceptor = new Acceptor(loop, address);
        } catch (IOException | RuntimeException e) {
            loop.close();
            throw e;
        }
        acceptor.setNewConnectionCallback(this::newConnection); // the Acceptor calls us back
    }

    /** The Acceptor's callback: the server decides what a new client becomes. */
    private void newConnection(Socket client) {
        try {
            new Connection(loop, client);
        } catch (IOException e) {
            System.err.println("cannot serve " + client + ": " + e.getMessage());
        }
    }

    /** Where the server listens, with the real port. */
    InetAddress address() {
        return acceptor.address();
    }

    /** Runs the event loop in the calling thread. */
    void start() throws IOException {
        loop.run();
    }
}
