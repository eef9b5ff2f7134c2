package course.reactor;

import java.io.IOException;
import java.nio.channels.SelectionKey;

/**
 * A socket together with the events we want from it (interest) and the events that last
 * happened to it (ready): the course's Channel. Its selection key is the epoll registration, and
 * the key carries the Channel back to us, as {@code epoll_event.data.ptr} does in C.
 */
final class Channel {
    private final Epoll epoll;
    private final Socket socket;
    /** Null until the Epoll watches this channel (the course's {@code inepoll_}). */
    private SelectionKey key;
    /** What we want to hear about (the course's {@code events_}). */
    private int interestOps;
    /** What the last loop() found ready (the course's {@code revents_}). */
    private int readyOps;

    Channel(Epoll epoll, Socket socket) {
        this.epoll = epoll;
        this.socket = socket;
    }

    /** Asks to hear about incoming data, or, on a listening socket, incoming connections. */
    void enableReading() throws IOException {
        interestOps |= socket.isListening() ? SelectionKey.OP_ACCEPT : SelectionKey.OP_READ;
        epoll.updateChannel(this);
    }

    Socket socket() {
        return socket;
    }

    SelectionKey key() {
        return key;
    }

    void setKey(SelectionKey key) {
        this.key = key;
    }

    int interestOps() {
        return interestOps;
    }

    int readyOps() {
        return readyOps;
    }

    void setReadyOps(int readyOps) {
        this.readyOps = readyOps;
    }
}
