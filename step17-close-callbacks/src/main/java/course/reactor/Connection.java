package course.reactor;

import java.io.IOException;
import java.util.function.Consumer;

/** One client connection: its connected Socket and its Channel, registered in a loop. */
final class Connection {
    /** The server's name for this connection: Java does not show us the descriptor. */
    private final long id;
    private final Socket socket;
    private final Channel channel;
    /** Who to tell when this connection has ended; its owner removes and closes it. */
    private Consumer<Connection> closeCallback = Connection::close;

    /** Starts serving the connected socket in the loop; closes the socket if that fails. */
    Connection(EventLoop loop, Socket socket, long id) throws IOException {
        this.id = id;
        this.socket = socket;
        try {
            channel = new Channel(loop, socket);
            channel.setReadCallback(channel::handleRead);
            channel.setCloseCallback(this::onClose); // the Channel calls us back
            channel.setErrorCallback(this::onError);
            channel.enableReading();
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    long id() {
        return id;
    }

    /** Who is on the other end. */
    InetAddress peerAddress() {
        return socket.address();
    }

    void setCloseCallback(Consumer<Connection> closeCallback) {
        this.closeCallback = closeCallback;
    }

    /** The peer closed in order: nothing to report. */
    private void onClose() {
        closeCallback.accept(this);
    }

    /** Something broke, e.g. a reset: worth one line naming the peer. */
    private void onError(IOException e) {
        System.err.println("closing " + socket + ": " + e.getMessage());
        closeCallback.accept(this);
    }

    /** Closes the socket; the loop forgets the channel at its next select. */
    void close() {
        socket.close();
    }
}
