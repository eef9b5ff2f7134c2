package course.reactor;

import java.io.IOException;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Consumer;

/**
 * One client connection: its connected Socket and its Channel, registered in a loop. It cuts
 * the byte stream into messages: a 4-byte big-endian length, then that many bytes. Everything
 * here runs on the loop's thread; other threads (workers) hand their sends over to it.
 */
final class Connection {
    /**
     * Late sends are counted on the loop's thread while it runs, and by the sender once it has
     * stopped: an atomic add on the field itself, with no AtomicLong object per connection.
     */
    private static final AtomicLongFieldUpdater<Connection> LATE_SENDS =
            AtomicLongFieldUpdater.newUpdater(Connection.class, "lateSends");
    /** How long, after our FIN in a shutdown, we wait for the peer's FIN before we close anyway. */
    static final Duration LINGER = Duration.ofSeconds(2);
    /** Reads a shutdown takes from each connection: up to 4 MiB of what the peer sent before it. */
    private static final int SHUTDOWN_READS = 16;
    /**
     * The room made before each read: a fresh buffer is 256 KiB (the pool's size for this plus
     * the prepend), so it reads several big messages in one call, and its unfinished tail moves
     * to the front (compaction) only once per such read. A message bigger than that grows the
     * buffer by doubling as its bytes come, never ahead of them.
     */
    static final int READ_ROOM = 128 * 1024;
    /** No echo is waiting in the input buffer (see echoFrom). */
    private static final int NO_ECHO = -1;

    /** The server's name for this connection: Java does not show us the descriptor. */
    private final long id;
    private final EventLoop loop;
    private final Socket socket;
    private final Channel channel;
    /** The largest message body we accept; a longer announced length is a protocol error. */
    private final int maxFrame;
    /** What arrived and is not used yet. */
    private final Buffer inputBuffer;
    /** What is to be sent and the kernel has not taken yet. */
    private final Buffer outputBuffer;
    /** Who to tell when this connection has ended; its owner removes and closes it. */
    private Consumer<Connection> closeCallback = Connection::close;
    /** The peer has finished sending: close once the replies already queued are out. */
    private boolean closeAfterFlush;
    /** True while handleRead runs: replies are queued and written together when it ends. */
    private boolean inReadRound;
    /**
     * Messages of this read round sent back as they came, as offsets into the input buffer:
     * the bytes from echoFrom to echoTo are whole frames, headers and all, to be written from
     * where they lie when the round ends, with no copy. NO_ECHO when there are none.
     */
    private int echoFrom = NO_ECHO;
    private int echoTo;
    /** Who gets each whole message. */
    private MessageCallback messageCallback = (connection, message) -> { };
    /** Who to tell when the messages of one read have all been handed out (Netty's channelReadComplete). */
    private Consumer<Connection> readCompleteCallback = connection -> { };
    /** Who to tell when the peer has finished sending; by default we close once replies are out. */
    private Consumer<Connection> endOfStreamCallback = Connection::closeWhenFlushed;
    /** Who to tell each time the output buffer has been written out completely. */
    private Consumer<Connection> writeCompleteCallback = connection -> { };
    /** Who to tell when the bytes held for the client reach the high-water mark, once per crossing. */
    private Consumer<Connection> highWaterMarkCallback = connection -> { };
    /** Who to tell when the bytes held, after reaching the high mark, drop below the low one. */
    private Consumer<Connection> lowWaterMarkCallback = connection -> { };
    private int highWaterMark = Integer.MAX_VALUE;
    private int lowWaterMark;
    private boolean aboveHighWaterMark;
    /** How often reading was stopped for backpressure; IO thread only. */
    private int readPauses;
    /**
     * Bytes of this client's requests that the business has taken into work and not answered
     * yet. IO thread only. They count against the water marks with the output buffer:
     * a request waiting for a worker is memory too, as much as its reply will be.
     */
    private int bytesInWork;
    /** The most bytes ever held for this client; volatile so that tests and monitoring can read it. */
    private volatile int peakHeldBytes;
    /**
     * Set by finishReading (a shutdown): from then on nothing resumes serving this peer's
     * requests, and closing waits for the peer's own FIN. Loop thread only.
     */
    private boolean readingFinished;
    /** After our FIN in a shutdown: what the peer still sends is read and dropped until its FIN. */
    private boolean discarding;
    /** Set once the owner has been told this connection is over: it is told only once. */
    private boolean ended;
    /** Set once the socket is closed: sends arriving after that are dropped and counted. */
    private volatile boolean closed;
    /** When bytes last went in or out, in nanoseconds of the loop's clock (a Timestamp, unboxed: it changes on every read). */
    private volatile long lastActivityNanos;
    /** Replies that arrived after the connection had closed, e.g. from a slow worker. */
    private volatile long lateSends; // counted with LATE_SENDS: an updater, not an AtomicLong per connection
    /** Whatever the business keeps per connection (muduo's context); only the IO thread sets it. */
    private Object context;

    /** A connection served by {@code loop}; start() begins serving it. */
    Connection(EventLoop loop, Socket socket, long id, int maxFrame) {
        this.id = id;
        this.loop = loop;
        this.socket = socket;
        this.maxFrame = maxFrame;
        this.lastActivityNanos = loop.now().nanos();
        inputBuffer = new Buffer(loop.bufferPool());
        outputBuffer = new Buffer(loop.bufferPool());
        channel = new Channel(loop, socket);
        channel.setReadCallback(this::handleRead); // reading is the Connection's job now
        channel.setWriteCallback(this::handleWrite);
    }

    /**
     * Registers for reading, on the connection's loop thread. From then on its events run on
     * that thread, which may not be ours: set every callback first.
     */
    void start() {
        loop.runInLoop(() -> {
            try {
                channel.enableReading();
            } catch (IOException | RuntimeException | Error e) {
                onError(e);
            }
        });
    }

    /** The loop that serves this connection. */
    EventLoop loop() {
        return loop;
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

    void setReadCompleteCallback(Consumer<Connection> readCompleteCallback) {
        this.readCompleteCallback = readCompleteCallback;
    }

    void setEndOfStreamCallback(Consumer<Connection> endOfStreamCallback) {
        this.endOfStreamCallback = endOfStreamCallback;
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

    Object context() {
        return context;
    }

    void setContext(Object context) {
        this.context = context;
    }

    boolean isClosed() {
        return closed;
    }

    /** When bytes last went in or out: the idle timeout starts from here. */
    Timestamp lastActivity() {
        return new Timestamp(lastActivityNanos);
    }

    private void countLateSends(int sends) {
        LATE_SENDS.addAndGet(this, sends);
    }

    /** How many sends came after the connection had closed and were dropped. */
    long lateSends() {
        return lateSends;
    }

    /** The most bytes ever held for this client: queued output plus requests in work. */
    int peakHeldBytes() {
        return peakHeldBytes;
    }

    /** The memory the input buffer holds now, for tests and monitoring; IO thread. */
    int inputCapacity() {
        return inputBuffer.capacity();
    }

    /** Bytes of requests in work, their replies not in the output buffer yet. IO thread. */
    int bytesInWork() {
        return bytesInWork;
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
        if (readingFinished) {
            return; // a shutdown has taken in the last requests: the low-water mark resumes nothing
        }
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
     * written when the socket becomes writable. Never blocks, never spins, never throws: a
     * worker may still hold a connection that its IO loop has closed, and its late reply
     * has nobody to go to. Safe from any thread: a worker's send is handed to the loop.
     */
    void send(byte[] message) {
        if (loop.isInLoopThread()) {
            sendInLoop(message); // the common case, with no task and no allocation
        } else {
            if (!loop.queueInLoop(() -> sendInLoop(message))) {
                countLateSends(1); // the loop has stopped: a late send too
            }
        }
    }

    private void sendInLoop(byte[] message) {
        if (closed) {
            countLateSends(1);
            return;
        }
        queueEcho();
        outputBuffer.appendMessage(message);
        afterAppend();
    }

    /**
     * Sends one message, as send(byte[]) does. A view of what this connection is reading, sent
     * in its read round with nothing queued before it, is not copied at all: it is written from
     * the input buffer when the round ends, and only what the kernel refuses then is copied.
     * Any other message is copied once, into the output buffer. From another thread, a copy of
     * the message is handed to the loop (a view is valid only on its own thread: it throws).
     */
    void send(Message message) {
        if (loop.isInLoopThread()) {
            sendInLoop(message);
        } else {
            Message copy = message.copy();
            if (!loop.queueInLoop(() -> sendInLoop(copy))) {
                countLateSends(1);
            }
        }
    }

    private void sendInLoop(Message message) {
        if (closed) {
            countLateSends(1);
            return;
        }
        if (inReadRound && inputBuffer.holds(message) && outputBuffer.readableBytes() == 0 && !channel.isWriting()) {
            int frameFrom = message.start() - Buffer.HEADER_BYTES - inputBuffer.prependableBytes();
            int frameTo = frameFrom + Buffer.HEADER_BYTES + message.length();
            if (echoFrom == NO_ECHO) {
                echoFrom = frameFrom;
                echoTo = frameTo;
                return;
            }
            if (frameFrom == echoTo) { // the next frame: the echo grows, still one write
                echoTo = frameTo;
                return;
            }
        }
        queueEcho();
        message.appendTo(outputBuffer);
        afterAppend();
    }

    /** An echo waiting in the input buffer goes to the output buffer first: what comes after it must not overtake it. */
    private void queueEcho() {
        if (echoFrom != NO_ECHO) {
            outputBuffer.append(inputBuffer, echoFrom, echoTo - echoFrom);
            echoFrom = NO_ECHO;
        }
    }

    /** After something joined the output buffer: the water mark, and a write unless the round writes at its end. */
    private void afterAppend() {
        checkHighWaterMark();
        if (!channel.isWriting() && !inReadRound) { // in a read round, handleRead flushes once at the end
            try {
                flush();
            } catch (IOException | RuntimeException | Error e) {
                onError(e);
            }
        }
    }

    /**
     * The business takes requests of {@code bytes} in all into work (to a worker): until their
     * replies are sent with sendReplies, they count as held for this client. On the IO thread.
     */
    void startWork(int bytes) {
        assert loop.isInLoopThread();
        bytesInWork += bytes;
        checkHighWaterMark();
    }

    /**
     * Sends the replies to requests that startWork took into work, {@code requestBytes} in all:
     * all of them in one task for the loop, with one flush, and the requests stop counting as
     * held. Safe from any thread, like send.
     */
    void sendReplies(List<Message> replies, int requestBytes) {
        if (loop.isInLoopThread()) {
            sendRepliesInLoop(replies, requestBytes);
        } else {
            if (!loop.queueInLoop(() -> sendRepliesInLoop(replies, requestBytes))) {
                countLateSends(replies.size()); // the loop has stopped: late sends too
            }
        }
    }

    private void sendRepliesInLoop(List<Message> replies, int requestBytes) {
        if (closed) {
            countLateSends(replies.size());
            return;
        }
        bytesInWork -= requestBytes;
        queueEcho();
        for (Message reply : replies) {
            reply.appendTo(outputBuffer);
        }
        afterAppend(); // flush() also checks the low-water mark
    }

    /** Bytes held for this client: replies not written yet, and requests still in work. */
    private int heldBytes() {
        return outputBuffer.readableBytes() + bytesInWork;
    }

    private void checkHighWaterMark() {
        int held = heldBytes();
        if (held > peakHeldBytes) {
            peakHeldBytes = held;
        }
        if (!aboveHighWaterMark && held >= highWaterMark) {
            aboveHighWaterMark = true;
            highWaterMarkCallback.accept(this);
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
            lastActivityNanos = loop.now().nanos(); // until the buffer is empty or the kernel's is full
        }
        if (aboveHighWaterMark && heldBytes() <= lowWaterMark) {
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
            endAfterLastReply();
        }
    }

    /**
     * The read callback: one read per event (lesson 2), into this connection's input buffer,
     * where the messages stay while their callbacks run: each gets a view of its bytes, not a
     * copy. Replies sent meanwhile are batched and written once the read is done: one write per
     * round, not one per message, and echoes straight from the input buffer. Only then does the
     * buffer drop what was used: an unfinished message stays, and the next read continues it in
     * place. Not private, so that a test can play the loop and drive one event by hand.
     */
    void handleRead() {
        if (discarding) {
            discardInput();
            return;
        }
        if (!isReading()) {
            return; // a callback has just asked us to stop reading
        }
        inReadRound = true;
        int used = 0;
        try {
            int n = inputBuffer.readFrom(socket, READ_ROOM);
            if (n != 0) {
                lastActivityNanos = loop.now().nanos();
            }
            if (n > 0) {
                used = takeMessages();
            }
            if (n == -1) { // EOF: the peer has finished sending, but may still read
                onEndOfStream();
            }
        } catch (IOException | RuntimeException | Error e) { // a reset, say, or a bug in a callback
            onError(e);
        } finally {
            inReadRound = false;
            if (!ended) {
                readCompleteCallback.accept(this);
            }
            flushBatch(); // before the input buffer moves: the echoes are written from it
            if (ended) {
                releaseBuffers(); // no view is left: the callbacks are over
            } else {
                inputBuffer.retrieve(used); // one index move per read, no shift
                inputBuffer.trim();
            }
        }
    }

    /**
     * Hands every whole message in the input buffer to the callback, as a view that is valid
     * until it returns; a partial one stays. Returns the bytes used; stops early if a bad length
     * or the callback ended the connection.
     */
    private int takeMessages() {
        int readable = inputBuffer.readableBytes();
        int used = 0;
        // Never decode a header before all 4 of its bytes have arrived.
        while (readable - used >= Buffer.HEADER_BYTES) {
            int length = inputBuffer.peekInt(used);
            if (length < 0 || length > maxFrame) {
                System.err.println("closing " + socket + ": frame length " + length + " is outside 0.." + maxFrame);
                end();
                return used;
            }
            if (readable - used - Buffer.HEADER_BYTES < length) {
                break; // the body is still on its way
            }
            Message message = inputBuffer.view(used + Buffer.HEADER_BYTES, length, loop);
            used += Buffer.HEADER_BYTES + length;
            try {
                messageCallback.onMessage(this, message);
            } catch (IOException | RuntimeException | Error e) {
                onError(e);
                return used;
            } finally {
                message.invalidate();
            }
            if (ended) {
                return used;
            }
        }
        return used;
    }

    /** After a read round: write what it queued, in one go, the round's echoes from where they lie. */
    private void flushBatch() {
        if (ended) {
            return;
        }
        if (echoFrom != NO_ECHO) {
            int length = echoTo - echoFrom;
            try {
                int written = inputBuffer.writeTo(socket, echoFrom, length);
                if (written > 0) {
                    lastActivityNanos = loop.now().nanos();
                }
                if (written < length) { // the kernel is full: only the rest is copied, to wait
                    outputBuffer.append(inputBuffer, echoFrom + written, length - written);
                    checkHighWaterMark();
                }
            } catch (IOException | RuntimeException | Error e) {
                onError(e);
                return;
            } finally {
                echoFrom = NO_ECHO;
            }
            handleWrite(); // the rest of a flush: write interest, the water mark, write-complete
        } else if (outputBuffer.readableBytes() > 0 && !channel.isWriting()) {
            handleWrite(); // what the write callback does: flush, and end the connection if that fails
        }
    }

    /** The peer closed its side in order (half-close): send what is queued, then close. */
    private void onEndOfStream() throws IOException {
        channel.disableReading(); // end of stream stays readable: stop asking
        // Replies to what the peer sent may still be in the making on a worker: whoever makes
        // them decides when the connection may close.
        endOfStreamCallback.accept(this);
    }

    /** Closes the connection once every queued reply has been written; at once if none is. */
    void closeWhenFlushed() {
        loop.runInLoop(this::closeWhenFlushedInLoop);
    }

    private void closeWhenFlushedInLoop() {
        if (outputBuffer.readableBytes() == 0 && echoFrom == NO_ECHO) {
            endAfterLastReply();
            return;
        }
        closeAfterFlush = true; // flush() closes when the buffer drains
    }

    /**
     * Every reply is out. Normally that is the end. In a shutdown the peer may still be sending,
     * and closing a socket with unread bytes sends RST, which can destroy replies the peer has
     * not read yet: so send FIN instead, read and drop what comes until the peer's own FIN, and
     * close then (or when the shutdown's deadline abandons us).
     */
    private void endAfterLastReply() {
        if (!readingFinished || ended) {
            end();
            return;
        }
        try {
            socket.shutdownOutput();
            discarding = true;
            if (!channel.isReading()) {
                channel.enableReading();
            }
            loop.runAfter(LINGER, this::end); // a peer that never closes does not hold us for long
        } catch (IOException e) {
            end(); // the peer has gone already
        }
    }

    /** One read of what the peer sends after our FIN, dropped; its FIN ends the connection. */
    private void discardInput() {
        try {
            int n = inputBuffer.readFrom(socket, READ_ROOM);
            inputBuffer.retrieveAll();
            if (n == -1) {
                end();
            }
        } catch (IOException e) {
            end();
        }
    }

    /** Something broke (a reset, say), or a callback threw (a bug): worth one line naming the peer, once. */
    private void onError(Throwable e) {
        if (!ended) {
            System.err.println("closing " + socket + ": " + (e instanceof IOException ? e.getMessage() : "callback failed: " + e));
            end();
        }
    }

    /**
     * Shutdown: takes in what the peer has sent so far (requests already in the socket are
     * served), then reads no more. Replies still go out. A few reads at most: a client that
     * keeps sending must not hold the shutdown up.
     */
    void finishReading() {
        loop.runInLoop(() -> {
            readingFinished = true;
            for (int i = 0; i < SHUTDOWN_READS && !ended && isReading(); i++) {
                handleRead();
            }
            if (!ended && isReading()) {
                stopReading();
            }
        });
    }

    /** Shutdown out of time: ends the connection now and tells how many bytes it leaves unsent. */
    CompletableFuture<Integer> abandon() {
        CompletableFuture<Integer> unsent = new CompletableFuture<>();
        loop.runInLoop(() -> {
            int left = ended ? 0 : outputBuffer.readableBytes();
            end();
            unsent.complete(left);
        });
        return unsent;
    }

    /** Ends the connection now, whatever is queued: e.g. it has been idle too long. */
    void forceClose() {
        loop.runInLoop(this::end);
    }

    /** Tells the owner, once, that this connection is over: a read and a write may both fail. */
    private void end() {
        if (!ended) {
            ended = true;
            closeCallback.accept(this);
            if (!inReadRound) {
                releaseBuffers(); // in a round, a callback may still hold a view: handleRead releases them after
            }
        }
    }

    /** The connection is over: its buffers' memory goes back to the loop, for other connections. */
    private void releaseBuffers() {
        echoFrom = NO_ECHO;
        inputBuffer.release();
        outputBuffer.release();
    }

    /**
     * Takes the channel out of its loop, then closes the socket, once. On the loop's thread,
     * or by the owner once no thread runs the loop.
     */
    void close() {
        if (!closed) {
            closed = true;
            if (!loop.isTerminated()) { // a stopped loop's selector goes with it, registrations and all
                channel.remove(); // first: from now on no event of ours reaches a callback
            }
            socket.close();
        }
    }

    /**
     * What the server does with each whole message; business code may do IO of its own, hence
     * the throws. The message is a view, valid until onMessage returns: see Message.
     */
    @FunctionalInterface
    interface MessageCallback {
        void onMessage(Connection connection, Message message) throws IOException;
    }
}
