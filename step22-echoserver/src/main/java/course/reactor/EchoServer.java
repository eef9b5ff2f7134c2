package course.reactor;

import java.io.IOException;

/**
 * The business on top of the TcpServer library: every message goes back as it came, and a
 * client whose replies pile up is not read from until they drain (backpressure).
 */
final class EchoServer {
    /** Above this much queued output for a client, stop reading its requests... */
    static final int HIGH_WATER_MARK = 1 << 20;
    /** ...and below this much, read them again. */
    static final int LOW_WATER_MARK = 256 << 10;

    private final TcpServer server;

    /** Listens at once (port 0 picks a free port); start() then serves. */
    EchoServer(InetAddress address, int maxFrame) throws IOException {
        server = new TcpServer(address, maxFrame);
        server.setMessageCallback(this::onMessage);
        // A client that sends but does not read cannot make us queue its replies without bound.
        server.setHighWaterMarkCallback(EchoServer::pause, HIGH_WATER_MARK);
        server.setLowWaterMarkCallback(Connection::startReading, LOW_WATER_MARK);
    }

    private void onMessage(Connection connection, byte[] message) throws IOException {
        connection.send(message);
    }

    /**
     * Backpressure: too much of replies queued for it; read no more of its requests until it
     * drains. One line the first time, not one per pause: a slow reader may pause often.
     */
    private static void pause(Connection connection) {
        if (connection.readPauses() == 0) {
            System.err.println("pausing " + connection.peerAddress() + ": " + (HIGH_WATER_MARK >> 10)
                    + " KiB queued for it; reading again below " + (LOW_WATER_MARK >> 10) + " KiB");
        }
        connection.stopReading();
    }

    InetAddress address() {
        return server.address();
    }

    /** Serves in the calling thread until stop(). */
    void start() throws IOException {
        server.start();
    }

    void stop() {
        server.stop();
    }

    /** The server underneath, for tests and monitoring. */
    TcpServer server() {
        return server;
    }
}
