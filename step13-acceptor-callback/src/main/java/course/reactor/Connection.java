package course.reactor;

import java.io.IOException;

/** One client connection: its connected Socket and its Channel, registered in a loop. */
final class Connection {
    private final Socket socket;
    private final Channel channel;

    /** Starts serving the connected socket in the loop; closes the socket if that fails. */
    Connection(EventLoop loop, Socket socket) throws IOException {
        this.socket = socket;
        try {
            channel = new Channel(loop, socket);
            channel.setReadCallback(channel::handleRead);
            channel.enableReading();
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Who is on the other end. */
    InetAddress peerAddress() {
        return socket.address();
    }
}
