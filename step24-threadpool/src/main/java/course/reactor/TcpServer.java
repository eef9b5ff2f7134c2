package course.reactor;

import java.io.IOException;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A TCP server library: owns the event loop, the Acceptor and every Connection, and hands each
 * connection's events to the callbacks its user sets. It knows nothing about what the messages
 * mean; that is the business of a class like EchoServer.
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
    private Connection.MessageCallback messageCallback = (connection, message) -> { };
    private Consumer<Connection> highWaterMarkCallback = connection -> { };
    private Consumer<Connection> lowWaterMarkCallback = connection -> { };
    private int highWaterMark = Integer.MAX_VALUE;
    private int lowWaterMark;

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
            connection.setMessageCallback(messageCallback); // the user's callbacks, not ours
            connection.setHighWaterMarkCallback(highWaterMarkCallback, highWaterMark);
            connection.setLowWaterMarkCallback(lowWaterMarkCallback, lowWaterMark);
            connections.put(id, connection);
        } catch (IOException e) {
            System.err.println("cannot serve " + client + ": " + e.getMessage());
        }
    }

    /** A connection has ended: forget it at once, then close it. */
    private void closeConnection(Connection connection) {
        connections.remove(connection.id());
        connection.close();
    }

    /** Set these before start(): each new connection gets them. */
    void setMessageCallback(Connection.MessageCallback messageCallback) {
        this.messageCallback = messageCallback;
    }

    void setHighWaterMarkCallback(Consumer<Connection> highWaterMarkCallback, int highWaterMark) {
        Connection.checkWaterMarks(highWaterMark, lowWaterMark);
        this.highWaterMarkCallback = highWaterMarkCallback;
        this.highWaterMark = highWaterMark;
    }

    void setLowWaterMarkCallback(Consumer<Connection> lowWaterMarkCallback, int lowWaterMark) {
        Connection.checkWaterMarks(highWaterMark, lowWaterMark);
        this.lowWaterMarkCallback = lowWaterMarkCallback;
        this.lowWaterMark = lowWaterMark;
    }

    /** Where the server listens, with the real port. */
    InetAddress address() {
        return acceptor.address();
    }

    /** How many connections the server holds. */
    int connectionCount() {
        return connections.size();
    }

    /** The connections, as a read-only live view, for tests and monitoring. */
    Collection<Connection> connections() {
        return Collections.unmodifiableCollection(connections.values());
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
