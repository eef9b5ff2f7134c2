package course.reactor;

import java.io.IOException;
import java.util.function.Consumer;

/** One client connection: its connected Socket and its Channel, registered in a loop. */
final class Connection {
    /** The server's name for this connection: Java does not show us the descriptor. */
    private final long id;
    private final EventLoop loop;
    private final Socket socket;
    private final Channel channel;
    /** What arrived and is not used yet. */
    private final Buffer inputBuffer = new Buffer();
    /** What is to be sent and the kernel has not taken yet. */
    private final Buffer outputBuffer = new Buffer();
    /** Who to tell when this connection has ended; its owner removes and closes it. */
    private Consumer<Connection> closeCallback = Connection::close;

    /** Starts serving the connected socket in the loop; closes the socket if that fails. */
    Connection(EventLoop loop, Socket socket, long id) throws IOException {
        this.id = id;
        this.loop = loop;
        this.socket = socket;
        try {
            channel = new Channel(loop, socket);
            channel.setReadCallback(this::handleRead); // reading is the Connection's job now
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

    /**
     * The read callback: one read per event (lesson 2), of what the kernel has up to the
     * loop's read buffer, into the input buffer, and from there back out. Not private, so
     * that a test can play the loop and drive one event by hand.
     */
    void handleRead() {
        try {
            int n = inputBuffer.readFrom(socket, loop.readBuffer());
            if (n == -1) { // EOF: the peer closed its side in order
                onClose();
                return;
            }
            // Raw echo: whatever arrived goes back.
            outputBuffer.appendAndClear(inputBuffer);
            // Naive on purpose: if the peer does not read, write() returns 0 and this
            // spins, holding up every other client. Lesson 20 fixes it.
            while (outputBuffer.readableBytes() > 0) {
                outputBuffer.writeTo(socket);
            }
        } catch (IOException e) { // an error, e.g. a reset
            onError(e);
        }
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
