package course.reactor;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP server: owns the event loop, the Acceptor and every Connection, so that {@code main}
 * only says where to listen and starts it.
 */
final class TcpServer {
    private final EventLoop loop;
    private final Acceptor acceptor;
    private final int maxFrame;
    /**
     * Every connection the server has made, by id. Only the loop thread changes it; it is a
     * concurrent map so that other threads (tests, monitoring) may read it safely.
     */
    private final Map<Long, Connection> connections = new ConcurrentHashMap<>();
    private long lastConnectionId;

    /** Listens at once (port 0 picks a free port); start() then serves. */
    TcpServer(InetAddress address, int maxFrame) throws IOException {
        this.maxFrame = maxFrame;
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
            long id = ++lastConnectionId;
            Connection connection = new Connection(loop, client, id, maxFrame);
            connection.setCloseCallback(this::closeConnection); // the Connection calls us back
            connection.setMessageCallback(this::onMessage);
            connections.put(id, connection);
        } catch (IOException e) {
            System.err.println("cannot serve " + client + ": " + e.getMessage());
        }
    }

    /** Echo: every message goes back as it came. */
    private void onMessage(Connection connection, byte[] message) throws IOException {
        connection.send(message);
    }

    /** A connection has ended: forget it at once, then close it. */
    private void closeConnection(Connection connection) {
        connections.remove(connection.id());
        connection.close();
    }

    /** Where the server listens, with the real port. */
    InetAddress address() {
        return acceptor.address();
    }

    /** How many connections the server holds. */
    int connectionCount() {
        return connections.size();
    }

    /**
     * Runs the event loop in the calling thread until stop(), then closes what the server owns:
     * the listener, every connection, the loop. Closing happens here, on the loop's own thread,
     * so it never races with a callback.
     */
    void start() throws IOException {
        try {
            loop.run();
        } finally {
            close();
        }
    }

    /** Asks the server to stop; safe from any thread. start() returns once it has closed. */
    void stop() {
        loop.stop();
    }

    private void close() throws IOException {
        acceptor.close();
        for (Connection connection : connections.values()) {
            connection.close();
        }
        connections.clear();
        loop.close();
    }
}
