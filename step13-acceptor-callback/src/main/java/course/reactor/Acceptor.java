package course.reactor;

import java.io.IOException;

/** The listening side of a server: the listening Socket and its Channel, registered in a loop. */
final class Acceptor implements AutoCloseable {
    private final EventLoop loop;
    private final Socket socket;
    private final Channel channel;

    /** Listens at once (port 0 picks a free port) and asks the loop for incoming connections. */
    Acceptor(EventLoop loop, InetAddress address) throws IOException {
        this.loop = loop;
        socket = Socket.listen(address);
        try {
            channel = new Channel(loop, socket);
            channel.setReadCallback(this::handleRead); // the Channel calls us back
            channel.enableReading();
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The read callback of the listening channel: a Connection for each waiting client. */
    private void handleRead() {
        try {
            // Accept every waiting connection, not just one: one wakeup, many clients.
            for (Socket client = socket.accept(); client != null; client = socket.accept()) {
                new Connection(loop, client);
            }
        } catch (IOException e) {
            System.err.println("accept failed: " + e.getMessage());
        }
    }

    /** Where we listen, with the real port. */
    InetAddress address() {
        return socket.address();
    }

    /** Stops listening: the port is free again and the loop forgets the channel. */
    @Override
    public void close() {
        socket.close();
    }
}
