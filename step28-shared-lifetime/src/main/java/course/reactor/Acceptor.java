package course.reactor;

import java.io.IOException;
import java.util.function.Consumer;

/** The listening side of a server: the listening Socket and its Channel, registered in a loop. */
final class Acceptor implements AutoCloseable {
    private final Socket socket;
    private final Channel channel;
    /** Who takes each accepted socket; until someone asks, nobody does and it is closed. */
    private Consumer<Socket> newConnectionCallback = Socket::close;

    /** Listens at once (port 0 picks a free port) and asks the loop for incoming connections. */
    Acceptor(EventLoop loop, InetAddress address) throws IOException {
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

    void setNewConnectionCallback(Consumer<Socket> newConnectionCallback) {
        this.newConnectionCallback = newConnectionCallback;
    }

    /** The read callback of the listening channel: hands each waiting client to our callback. */
    private void handleRead() {
        try {
            // Accept every waiting connection, not just one: one wakeup, many clients.
            for (Socket client = socket.accept(); client != null; client = socket.accept()) {
                try {
                    newConnectionCallback.accept(client);
                } catch (RuntimeException e) { // a bug over there costs this client, not the listener
                    System.err.println("refusing " + client + ": callback failed: " + e);
                    client.close();
                }
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
