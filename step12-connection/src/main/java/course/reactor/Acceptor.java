package course.reactor;

import java.io.IOException;

/** The listening side of a server: the listening Socket and its Channel, registered in a loop. */
final class Acceptor implements AutoCloseable {
    private final Socket socket;
    private final Channel channel;

    /** Listens at once (port 0 picks a free port) and asks the loop for incoming connections. */
    Acceptor(EventLoop loop, InetAddress address) throws IOException {
        socket = Socket.listen(address);
        try {
            channel = new Channel(loop, socket);
            channel.setReadCallback(channel::newConnection);
            channel.enableReading();
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
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
