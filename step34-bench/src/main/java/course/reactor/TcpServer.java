package course.reactor;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A TCP server library: owns the event loops, the Acceptor and every Connection, and hands each
 * connection's events to the callbacks its user sets. It knows nothing about what the messages
 * mean; that is the business of a class like EchoServer.
 *
 * <p>Multi-reactor: the main loop, on the thread that calls start(), only accepts; each new
 * connection goes to the next of N IO loops, each on its own thread, round-robin.
 */
final class TcpServer {
    /** The main reactor: accepts, and nothing else. */
    private final EventLoop loop;
    /** The sub reactors: each serves its share of the connections on its own thread. */
    private final List<EventLoop> ioLoops = new ArrayList<>();
    private final List<Thread> ioThreads = new ArrayList<>();
    private final Acceptor acceptor;
    private final int maxFrame;
    /**
     * Every connection the server holds. Only the main loop changes it (one loop per thread); it
     * is concurrent so that other threads (tests, monitoring) may read it. A set, not a map by id:
     * a Connection is its own key, so no boxed Long per connection (16 bytes of an idle one's ~1 KB).
     */
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    /** One callback object for all connections: a method reference made per connection costs 16 bytes each. */
    private final Consumer<Connection> closeCallback = this::closeConnection;
    /** Main loop thread only. */
    private long lastConnectionId;
    /** Main loop thread only: where the next connection goes. */
    private int nextIoLoop;
    private Connection.MessageCallback messageCallback = (connection, message) -> { };
    /** What the business stops once the loops have stopped, before the server closes what it owns. */
    private Runnable releaseCallback = () -> { };
    private Consumer<Connection> readCompleteCallback = connection -> { };
    private Consumer<Connection> endOfStreamCallback = Connection::closeWhenFlushed;
    private Consumer<Connection> highWaterMarkCallback = connection -> { };
    private Consumer<Connection> lowWaterMarkCallback = connection -> { };
    private int highWaterMark = Integer.MAX_VALUE;
    private int lowWaterMark;
    /** Close connections with no traffic for this long; zero never does. */
    private Duration idleTimeout = Duration.ZERO;
    /** How long close() waits for requests and replies before it drops what is left. */
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    /** What the business does when the server closes: finish the requests it holds. */
    private RequestDrain requestDrain = deadlineNanos -> 0;
    /** Guarded by this: start() has begun / close() has begun. */
    private boolean started;
    private boolean closing;
    /** Main loop only: set once close() has asked every connection to close when flushed. */
    private boolean draining;
    /** Completed on the main loop once draining and the last connection is gone. */
    private final CompletableFuture<Void> allClosed = new CompletableFuture<>();
    /** Completed when start() has closed everything and returns. */
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    /** Listens at once (port 0 picks a free port); start() then serves with ioThreads IO loops. */
    TcpServer(InetAddress address, int maxFrame, int ioThreads) throws IOException {
        this(address, maxFrame, ioThreads, System::nanoTime);
    }

    /** With the clock the loops' timers run on: tests pass a fake one and move it by hand. */
    TcpServer(InetAddress address, int maxFrame, int ioThreads, LongSupplier clock) throws IOException {
        this.maxFrame = maxFrame;
        loop = new EventLoop(clock);
        try {
            for (int i = 0; i < ioThreads; i++) {
                ioLoops.add(new EventLoop(clock));
            }
            acceptor = new Acceptor(loop, address);
        } catch (IOException | RuntimeException e) {
            for (EventLoop ioLoop : ioLoops) {
                ioLoop.close();
            }
            loop.close();
            throw e;
        }
        acceptor.setNewConnectionCallback(this::newConnection); // the Acceptor calls us back
    }

    /** The Acceptor's callback, on the main loop: the next IO loop serves the new client. */
    private void newConnection(Socket client) {
        EventLoop ioLoop = ioLoops.get(nextIoLoop);
        nextIoLoop = (nextIoLoop + 1) % ioLoops.size();
        long id = ++lastConnectionId;
        Connection connection = new Connection(ioLoop, client, id, maxFrame);
        connection.setCloseCallback(closeCallback); // the Connection calls us back
        connection.setMessageCallback(messageCallback); // the user's callbacks, not ours
        connection.setReadCompleteCallback(readCompleteCallback);
        connection.setEndOfStreamCallback(endOfStreamCallback);
        connection.setHighWaterMarkCallback(highWaterMarkCallback, highWaterMark);
        connection.setLowWaterMarkCallback(lowWaterMarkCallback, lowWaterMark);
        // Into the set before it starts: once started, the IO loop may end it at any moment.
        connections.add(connection);
        connection.start(); // registers on the IO loop's own thread
        if (!idleTimeout.isZero()) {
            ioLoop.runInLoop(() -> watchIdle(connection, ioLoop));
        }
    }

    /**
     * On the connection's IO loop: once it could first have been idle for idleTimeout, look;
     * close it if it was, else look again then. Reads and writes only update a timestamp; the
     * heap is touched once per timeout per connection, not once per message.
     */
    private void watchIdle(Connection connection, EventLoop ioLoop) {
        if (connection.isClosed()) {
            return;
        }
        Timestamp idleAt = connection.lastActivity().plus(idleTimeout);
        if (ioLoop.now().compareTo(idleAt) >= 0) {
            System.err.println("closing " + connection.peerAddress() + ": idle for " + idleTimeout.toSeconds() + " s");
            connection.forceClose();
        } else {
            ioLoop.runAt(idleAt, () -> watchIdle(connection, ioLoop));
        }
    }

    /**
     * A connection has ended, on its IO thread: close it there, then forget it on the main
     * loop, which owns the map.
     */
    private void closeConnection(Connection connection) {
        connection.close();
        loop.runInLoop(() -> {
            connections.remove(connection);
            if (draining && connections.isEmpty()) {
                allClosed.complete(null);
            }
        });
    }

    /** Set these before start(): each new connection gets them. */
    void setMessageCallback(Connection.MessageCallback messageCallback) {
        this.messageCallback = messageCallback;
    }

    void setReadCompleteCallback(Consumer<Connection> readCompleteCallback) {
        this.readCompleteCallback = readCompleteCallback;
    }

    /**
     * Runs once every loop has stopped and before connections and loops are closed: the place to
     * stop workers, whose late sends are then refused and counted rather than racing the close.
     */
    void setReleaseCallback(Runnable releaseCallback) {
        this.releaseCallback = releaseCallback;
    }

    void setEndOfStreamCallback(Consumer<Connection> endOfStreamCallback) {
        this.endOfStreamCallback = endOfStreamCallback;
    }

    void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    void setRequestDrain(RequestDrain requestDrain) {
        this.requestDrain = requestDrain;
    }

    void setHighWaterMarkCallback(Consumer<Connection> highWaterMarkCallback, int highWaterMark) {
        Connection.checkWaterMarks(highWaterMark, lowWaterMark);
        this.highWaterMarkCallback = highWaterMarkCallback;
        this.highWaterMark = highWaterMark;
    }

    void setLowWaterMarkCallback(Consumer<Connection> lowWaterMarkCallback, int lowWaterMark) {
        Connection.checkWaterMarks(highWaterMark, lowWaterMark);
        this.lowWaterMarkCallback = lowWaterMarkCallback;
        this.lowWaterMark = lowWaterMark;
    }

    /** Where the server listens, with the real port. */
    InetAddress address() {
        return acceptor.address();
    }

    /** How many connections the server holds. */
    int connectionCount() {
        return connections.size();
    }

    /** The connections, as a read-only live view, for tests and monitoring. */
    Collection<Connection> connections() {
        return Collections.unmodifiableCollection(connections);
    }

    /**
     * Starts the IO loops on their threads and runs the main loop in the calling thread until
     * stop() or close(); then stops the IO loops, waits for their threads, and closes what the
     * server owns: the listener, every connection, the loops. Closing happens once no IO loop
     * runs, so it never races with a callback.
     */
    void start() throws IOException {
        synchronized (this) {
            if (closing) {
                throw new IllegalStateException("the server is closed");
            }
            started = true;
        }
        for (int i = 0; i < ioLoops.size(); i++) {
            EventLoop ioLoop = ioLoops.get(i);
            Thread thread = new Thread(() -> runIoLoop(ioLoop), "io-" + (i + 1));
            ioThreads.add(thread);
            thread.start();
        }
        for (EventLoop ioLoop : ioLoops) {
            ioLoop.awaitRunning(); // from now on, work for an IO loop is handed to its thread
        }
        try {
            loop.run();
        } finally {
            try {
                release();
            } finally {
                terminated.complete(null); // whatever release() met: close() must not wait for ever
            }
        }
    }

    private static void runIoLoop(EventLoop ioLoop) {
        try {
            ioLoop.run();
        } catch (IOException e) {
            System.err.println(Thread.currentThread().getName() + ": event loop failed: " + e);
        }
    }

    /**
     * Stops at once, dropping whatever is queued; safe from any thread. start() returns once it
     * has closed. close() is the graceful way.
     */
    void stop() {
        loop.stop();
    }

    /**
     * Graceful shutdown, bounded by the shutdown timeout; returns when the server is closed.
     * From any thread but the loops' own (it waits for them). In order:
     * <ol>
     * <li>stop accepting: close the listener, so new clients are refused by the kernel;</li>
     * <li>take in the requests that have reached us (each connection reads what its socket holds,
     *     then stops reading), and let the business finish them (the request drain);</li>
     * <li>flush every connection's replies, and close each one once its buffer is empty;</li>
     * <li>whatever is still open when the time is up is closed as it is, in one log line;</li>
     * <li>stop the loops and join their threads: start() returns.</li>
     * </ol>
     */
    void close() {
        synchronized (this) {
            if (closing || !started) {
                boolean first = !closing;
                closing = true;
                if (first) {
                    releaseUnstarted();
                }
                awaitTerminated();
                return;
            }
            closing = true;
        }
        loop.awaitRunning();
        if (loop.isInLoopThread() || ioThreads.contains(Thread.currentThread())) {
            throw new IllegalStateException("close() waits for the loops: call it from another thread");
        }
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();

        awaitBy(deadline, callInLoop(loop, acceptor::close));
        List<Connection> open = List.copyOf(connections);
        for (Connection connection : open) {
            connection.finishReading();
        }
        for (int pass = 0; pass < 2; pass++) { // the reads above have happened; then what they queued in their loops
            for (EventLoop ioLoop : ioLoops) { // (a business may hand its work over at the end of a loop's round)
                awaitBy(deadline, callInLoop(ioLoop, () -> { }));
            }
        }
        long droppedRequests = requestDrain.finishBy(deadline);

        awaitBy(deadline, callInLoop(loop, () -> {
            draining = true;
            if (connections.isEmpty()) {
                allClosed.complete(null);
            }
        }));
        for (Connection connection : connections) {
            connection.closeWhenFlushed(); // behind the replies the workers have handed over
        }
        if (!awaitBy(deadline, allClosed) || droppedRequests > 0) {
            abandonTheRest(droppedRequests);
        }

        loop.stop();
        awaitTerminated();
    }

    /** Out of time: closes the connections left as they are, and says in one line what was lost. */
    private void abandonTheRest(long droppedRequests) {
        int abandoned = 0;
        long unsentBytes = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1); // a live loop answers at once
        for (Connection connection : List.copyOf(connections)) {
            CompletableFuture<Integer> unsent = connection.abandon();
            if (awaitBy(deadline, unsent)) {
                abandoned++;
                unsentBytes += unsent.join();
            }
        }
        System.err.println("shutdown timeout of " + describe(shutdownTimeout) + " reached: dropped "
                + droppedRequests + " requests in work and " + unsentBytes + " unsent bytes, closed "
                + abandoned + " connections as they were");
    }

    private static String describe(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /** Runs the task on the loop's thread; the future completes when it has run. */
    private static CompletableFuture<Void> callInLoop(EventLoop target, Runnable task) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        target.runInLoop(() -> {
            try {
                task.run();
            } finally {
                done.complete(null);
            }
        });
        return done;
    }

    /** Waits for the future until the deadline; true if it completed. */
    private static boolean awaitBy(long deadlineNanos, CompletableFuture<?> future) {
        try {
            future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void awaitTerminated() {
        terminated.join(); // not interruptible: close() promises the server is closed when it returns
    }

    /** close() before start(): nothing runs and nothing is to be drained. */
    private void releaseUnstarted() {
        try {
            release();
        } catch (IOException e) {
            System.err.println("close failed: " + e.getMessage());
        } finally {
            terminated.complete(null);
        }
    }

    /** Closes what the server owns, once no loop runs any more (or none ever ran). */
    private void release() throws IOException {
        acceptor.close();
        for (EventLoop ioLoop : ioLoops) {
            ioLoop.stop();
        }
        for (Thread thread : ioThreads) {
            joinUninterruptibly(thread);
        }
        releaseCallback.run(); // no loop runs now: the business stops what may still send, e.g. its workers
        for (Connection connection : connections) {
            connection.close();
        }
        connections.clear();
        for (EventLoop ioLoop : ioLoops) {
            ioLoop.close();
        }
        loop.close();
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The business side of close(): finish the requests already taken, by the deadline (System.nanoTime). */
    @FunctionalInterface
    interface RequestDrain {
        /** Returns how many requests were dropped because the deadline came first. */
        long finishBy(long deadlineNanos);
    }
}
