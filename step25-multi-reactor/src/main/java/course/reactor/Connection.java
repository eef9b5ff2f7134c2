package course.reactor;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * One client connection: its connected Socket and its Channel, registered in a loop. It cuts
 * the byte stream into messages: a 4-byte big-endian length, then that many bytes.
 */
final class Connection {
    /** The server's name for this connection: Java does not show us the descriptor. */
    private final long id;
    private final EventLoop loop;
    private final Socket socket;
    private final Channel channel;
    /** The largest message body we accept; a longer announced length is a protocol error. */
    private final int maxFrame;
    /** What arrived and is not used yet. */
    private final Buffer inputBuffer = new Buffer();
    /** What is to be sent and the kernel has not taken yet. */
    private final Buffer outputBuffer = new Buffer();
    /** Who to tell when this connection has ended; its owner removes and closes it. */
    private Consumer<Connection> closeCallback = Connection::close;
    /** The peer has finished sending: close once the replies already queued are out. */
    private boolean closeAfterFlush;
    /** Who gets each whole message. */
    private MessageCallback messageCallback = (connection, message) -> { };
    /** Who to tell each time the output buffer has been written out completely. */
    private Consumer<Connection> writeCompleteCallback = connection -> { };
    /** Who to tell when queued output reaches the high-water mark, once per crossing. */
    private Consumer<Connection> highWaterMarkCallback = connection -> { };
    /** Who to tell when queued output, after reaching the high mark, drains below the low one. */
    private Consumer<Connection> lowWaterMarkCallback = connection -> { };
    private int highWaterMark = Integer.MAX_VALUE;
    private int lowWaterMark;
    private boolean aboveHighWaterMark;
    /** How often reading was stopped for backpressure; IO thread only. */
    private int readPauses;
    /** The most output ever queued here; volatile so that tests and monitoring can read it. */
    private volatile int peakOutputBytes;

    /** A connection served by {@code loop}; start() begins serving it. */
    Connection(EventLoop loop, Socket socket, long id, int maxFrame) {
        this.id = id;
        this.loop = loop;
        this.socket = socket;
        this.maxFrame = maxFrame;
        channel = new Channel(loop, socket);
        channel.setReadCallback(this::handleRead); // reading is the Connection's job now
        channel.setWriteCallback(this::handleWrite);
    }

    /**
     * Registers for reading in the connection's loop. From then on its events run on that loop's
     * thread, which may not be ours: set every callback first.
     */
    void start() throws IOException {
        channel.enableReading();
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

    void setMessageCallback(MessageCallback messageCallback) {
        this.messageCallback = messageCallback;
    }

    void setWriteCompleteCallback(Consumer<Connection> writeCompleteCallback) {
        this.writeCompleteCallback = writeCompleteCallback;
    }

    void setHighWaterMarkCallback(Consumer<Connection> highWaterMarkCallback, int highWaterMark) {
        checkWaterMarks(highWaterMark, lowWaterMark);
        this.highWaterMarkCallback = highWaterMarkCallback;
        this.highWaterMark = highWaterMark;
    }

    void setLowWaterMarkCallback(Consumer<Connection> lowWaterMarkCallback, int lowWaterMark) {
        checkWaterMarks(highWaterMark, lowWaterMark);
        this.lowWaterMarkCallback = lowWaterMarkCallback;
        this.lowWaterMark = lowWaterMark;
    }

    /**
     * The low mark must be below the high one, or one write would stop and restart reading in
     * the same breath; a low mark of 0 means "once everything is out".
     */
    static void checkWaterMarks(int highWaterMark, int lowWaterMark) {
        if (lowWaterMark < 0 || lowWaterMark >= highWaterMark) {
            throw new IllegalArgumentException("water marks need 0 <= low < high, not low " + lowWaterMark
                    + " and high " + highWaterMark);
        }
    }

    /** The most bytes ever waiting in this connection's output buffer. */
    int peakOutputBytes() {
        return peakOutputBytes;
    }

    /** Backpressure: take no more requests from this peer until we may again. */
    void stopReading() {
        readPauses++;
        try {
            channel.disableReading();
        } catch (IOException | RuntimeException | Error e) {
            onError(e);
        }
    }

    /** How often stopReading has paused this connection (IO thread). */
    int readPauses() {
        return readPauses;
    }

    void startReading() {
        try {
            channel.enableReading();
        } catch (IOException | RuntimeException | Error e) {
            onError(e);
        }
    }

    boolean isReading() {
        return channel.isReading();
    }

    /**
     * Sends one message, framed. It joins the output buffer; if nothing was waiting before it we
     * write at once (no trip through select), and whatever the kernel does not take now is
     * written when the socket becomes writable. Never blocks, never spins.
     */
    void send(byte[] message) {
        outputBuffer.appendMessage(message);
        int queued = outputBuffer.readableBytes();
        if (queued > peakOutputBytes) {
            peakOutputBytes = queued;
        }
        if (!aboveHighWaterMark && queued >= highWaterMark) {
            aboveHighWaterMark = true;
            highWaterMarkCallback.accept(this);
        }
        if (!channel.isWriting()) {
            try {
                flush();
            } catch (IOException | RuntimeException | Error e) {
                onError(e);
            }
        }
    }

    /** The write callback: the socket can take more. */
    private void handleWrite() {
        try {
            flush();
        } catch (IOException | RuntimeException | Error e) {
            onError(e);
        }
    }

    /** Writes what the kernel takes; asks for write events only while bytes remain. */
    private void flush() throws IOException {
        while (outputBuffer.readableBytes() > 0 && outputBuffer.writeTo(socket) > 0) {
            // keep going until the buffer is empty or the kernel's send buffer is full
        }
        if (aboveHighWaterMark && outputBuffer.readableBytes() <= lowWaterMark) {
            aboveHighWaterMark = false;
            lowWaterMarkCallback.accept(this);
        }
        if (outputBuffer.readableBytes() > 0) {
            if (!channel.isWriting()) {
                channel.enableWriting();
            }
            return;
        }
        if (channel.isWriting()) {
            channel.disableWriting(); // empty: stop asking, or every select reports us again
        }
        writeCompleteCallback.accept(this);
        if (closeAfterFlush) {
            closeCallback.accept(this);
        }
    }

    /**
     * The read callback: one read per event (lesson 2), of what the kernel has up to the
     * loop's read buffer; then every whole message in the input buffer goes to the callback.
     * Not private, so that a test can play the loop and drive one event by hand.
     */
    void handleRead() {
        try {
            if (!channel.isReading()) {
                return; // a callback has just asked us to stop reading
            }
            int n = inputBuffer.readFrom(socket, loop.readBuffer());
            if (n == -1) { // EOF: the peer has finished sending, but may still read
                onEndOfStream();
            } else if (n > 0) {
                takeMessages(); // false if a protocol error closed the connection
            }
        } catch (IOException | RuntimeException | Error e) { // a reset, say, or a bug in a callback
            onError(e);
        }
    }

    /**
     * Hands every whole message in the input buffer to the callback and keeps a partial one for
     * the next read. Returns false if a bad length closed the connection.
     */
    private boolean takeMessages() throws IOException {
        int readable = inputBuffer.readableBytes();
        int offset = 0;
        // Never decode a header before all 4 of its bytes have arrived.
        while (readable - offset >= Buffer.HEADER_BYTES) {
            int length = inputBuffer.peekInt(offset);
            if (length < 0 || length > maxFrame) {
                System.err.println("closing " + socket + ": frame length " + length + " is outside 0.." + maxFrame);
                closeCallback.accept(this);
                return false;
            }
            if (readable - offset - Buffer.HEADER_BYTES < length) {
                break; // the body is still on its way
            }
            byte[] message = inputBuffer.copy(offset + Buffer.HEADER_BYTES, length);
            offset += Buffer.HEADER_BYTES + length;
            messageCallback.onMessage(this, message);
        }
        inputBuffer.consume(offset); // one shift per read, not one per message
        return true;
    }

    /** The peer closed its side in order (half-close): send what is queued, then close. */
    private void onEndOfStream() throws IOException {
        if (outputBuffer.readableBytes() == 0) {
            closeCallback.accept(this);
            return;
        }
        closeAfterFlush = true;
        channel.disableReading(); // end of stream stays readable: stop asking
    }

    /** Something broke (a reset, say), or a callback threw (a bug): worth one line naming the peer. */
    private void onError(Throwable e) {
        System.err.println("closing " + socket + ": " + (e instanceof IOException ? e.getMessage() : "callback failed: " + e));
        closeCallback.accept(this);
    }

    /** Closes the socket; the loop forgets the channel at its next select. */
    void close() {
        socket.close();
    }

    /** What the server does with each whole message; sending a reply may fail, hence the throws. */
    @FunctionalInterface
    interface MessageCallback {
        void onMessage(Connection connection, byte[] message) throws IOException;
    }
}
