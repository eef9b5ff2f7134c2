package course.reactor;

import java.io.IOException;
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
    /** Set once the channel has left its loop: none of its events is handled after that. */
    private boolean removed;
    /** What to do when the socket is readable: accept on a listener, read on a connection. */
    private Runnable readCallback = () -> { };
    /** What to do when the socket can take more bytes. */
    private Runnable writeCallback = () -> { };

    Channel(EventLoop loop, Socket socket) {
        this.loop = loop;
        this.socket = socket;
    }

    /** Asks to hear about incoming data, or, on a listening socket, incoming connections. */
    void enableReading() throws IOException {
        interestOps |= socket.isListening() ? SelectionKey.OP_ACCEPT : SelectionKey.OP_READ;
        loop.updateChannel(this);
    }

    boolean isReading() {
        return (interestOps & (SelectionKey.OP_ACCEPT | SelectionKey.OP_READ)) != 0;
    }

    /**
     * Stops asking for incoming data, e.g. after end of stream, which would stay readable forever;
     * on a listening socket, stops asking for incoming connections.
     */
    void disableReading() throws IOException {
        interestOps &= ~(SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        loop.updateChannel(this);
    }

    /**
     * Asks to hear when the socket can take more bytes. Only while something waits to be sent:
     * a socket is writable almost always, and a level-triggered selector would report it on
     * every select, spinning the loop.
     */
    void enableWriting() throws IOException {
        interestOps |= SelectionKey.OP_WRITE;
        loop.updateChannel(this);
    }

    void disableWriting() throws IOException {
        interestOps &= ~SelectionKey.OP_WRITE;
        loop.updateChannel(this);
    }

    boolean isWriting() {
        return (interestOps & SelectionKey.OP_WRITE) != 0;
    }

    /**
     * Leaves the loop: cancels the registration and marks the channel, so that no event of it
     * reaches a callback again, not even one the loop has already selected in this round.
     * Call it before closing the socket.
     */
    void remove() {
        removed = true;
        loop.removeChannel(this);
    }

    void setReadCallback(Runnable readCallback) {
        this.readCallback = readCallback;
    }

    void setWriteCallback(Runnable writeCallback) {
        this.writeCallback = writeCallback;
    }

    /**
     * Handles what the last loop() found ready by calling back whoever registered for it: the
     * Channel no longer needs to know what kind of socket it holds.
     */
    void handleEvent() {
        if (removed) {
            return; // closed by an earlier callback of this round
        }
        if ((readyOps & (SelectionKey.OP_ACCEPT | SelectionKey.OP_READ)) != 0) {
            readCallback.run();
        }
        // The read callback may have closed the connection.
        if ((readyOps & SelectionKey.OP_WRITE) != 0 && !removed) {
            writeCallback.run();
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
