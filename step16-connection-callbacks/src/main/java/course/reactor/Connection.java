package course.reactor;

import java.io.IOException;

/** One client connection: its connected Socket and its Channel, registered in a loop. */
final class Connection {
    /** The server's name for this connection: Java does not show us the descriptor. */
    private final long id;
    private final Socket socket;
    private final Channel channel;

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

    /** The peer closed in order: nothing to report. */
    private void onClose() {
        close();
    }

    /** Something broke, e.g. a reset: worth one line naming the peer. */
    private void onError(IOException e) {
        System.err.println("closing " + socket + ": " + e.getMessage());
        close();
    }

    /** Closes the socket; the loop forgets the channel at its next select. */
    void close() {
        socket.close();
    }
}
