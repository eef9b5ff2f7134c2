package course.reactor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * A socket together with the events we want from it (interest) and the events that last
 * happened to it (ready): the course's Channel. Its selection key is the epoll registration, and
 * the key carries the Channel back to us, as {@code epoll_event.data.ptr} does in C. A Channel
 * belongs to one EventLoop.
 */
final class Channel {
    private final EventLoop loop;
    private final Socket socket;
    /** Null until the Epoll watches this channel (the course's {@code inepoll_}). */
    private SelectionKey key;
    /** What we want to hear about (the course's {@code events_}). */
    private int interestOps;
    /** What the last loop() found ready (the course's {@code revents_}). */
    private int readyOps;
    /** Each connection reads into its own small buffer; lesson 18 replaces it with a real Buffer. */
    private final ByteBuffer buffer = ByteBuffer.allocate(1024);
    /** What to do when the socket is readable: accept on a listener, echo on a connection. */
    private Runnable readCallback = () -> { };

    Channel(EventLoop loop, Socket socket) {
        this.loop = loop;
        this.socket = socket;
    }

    /** Asks to hear about incoming data, or, on a listening socket, incoming connections. */
    void enableReading() throws IOException {
        interestOps |= socket.isListening() ? SelectionKey.OP_ACCEPT : SelectionKey.OP_READ;
        loop.updateChannel(this);
    }

    void setReadCallback(Runnable readCallback) {
        this.readCallback = readCallback;
    }

    /**
     * Handles what the last loop() found ready by calling back whoever registered for it: the
     * Channel no longer needs to know what kind of socket it holds.
     */
    void handleEvent() {
        if ((readyOps & (SelectionKey.OP_ACCEPT | SelectionKey.OP_READ)) != 0) {
            readCallback.run();
        }
    }

    /** The read callback of a connected channel: one read per event, and its echo. */
    void handleRead() {
        try {
            buffer.clear();
            int n = socket.read(buffer); // one read per event (lesson 2): what is left comes next round
            if (n == -1) { // EOF: the peer closed its side in order; nothing to report
                socket.close(); // closing also deregisters it from the selector
                return;
            }
            buffer.flip();
            // Naive on purpose: if the peer does not read, write() returns 0 and this
            // spins, holding up every other client. Lesson 20 fixes it.
            while (buffer.hasRemaining()) {
                socket.write(buffer);
            }
        } catch (IOException e) { // an error, e.g. a reset: worth one line naming the peer
            System.err.println("closing " + socket + ": " + e.getMessage());
            socket.close();
        }
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
