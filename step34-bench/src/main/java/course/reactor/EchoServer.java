package course.reactor;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The business on top of the TcpServer library: every message goes back as it came, and a
 * client whose replies pile up is not read from until they drain (backpressure). The work for
 * each message runs on a pool of worker threads, so slow work never stalls an IO loop.
 */
final class EchoServer {
    /**
     * The most requests one worker turn takes from one client: the messages of one read go to
     * the worker together (one hand-over, one flush of the replies), but a client that pipelines
     * thousands must not keep a worker to itself.
     */
    static final int MAX_BATCH = 16;
    /** Above this much held for a client (replies queued, requests in work), stop reading it... */
    static final int HIGH_WATER_MARK = 1 << 20;
    /** ...and below this much, read them again. */
    static final int LOW_WATER_MARK = 256 << 10;

    private final TcpServer server;
    /** The business work of one message, done before its echo is sent. */
    private final Work work;
    /** Null with --workers 0: the work then runs on the IO thread that read the message. */
    private final ThreadPool workers;
    /** Bytes of requests handed to the workers and not answered yet, over all clients; and the most ever. */
    private final AtomicLong bytesInWork = new AtomicLong();
    private final AtomicLong peakBytesInWork = new AtomicLong();
    /**
     * The turns an IO thread has started in the round of its loop at hand, one list per IO thread
     * (hand-overs happen only there): they go to the pool together at the end of the round.
     */
    private final ThreadLocal<List<Runnable>> roundTurns = ThreadLocal.withInitial(ArrayList::new);
    /** Messages handed to the workers and not answered yet: what a shutdown that runs out of time drops. */
    private final LongAdder requestsInWork = new LongAdder();

    /** Listens at once (port 0 picks a free port); start() then serves. */
    EchoServer(InetAddress address, int maxFrame, int ioThreads, int workerThreads, Work work) throws IOException {
        server = new TcpServer(address, maxFrame, ioThreads);
        server.setMessageCallback(this::onMessage);
        server.setReadCompleteCallback(this::onReadComplete);
        server.setEndOfStreamCallback(this::onEndOfStream);
        // A client that sends but does not read cannot make us queue its replies without bound.
        server.setHighWaterMarkCallback(EchoServer::pause, HIGH_WATER_MARK);
        server.setLowWaterMarkCallback(Connection::startReading, LOW_WATER_MARK);
        this.work = work;
        this.workers = workerThreads == 0 ? null : new ThreadPool("worker", workerThreads);
        if (workers != null) {
            server.setReleaseCallback(workers::stop); // the workers finish before the loops' things are closed
        }
        server.setRequestDrain(this::finishRequests);
    }

    /**
     * Backpressure: too much held for it (replies queued, requests in work); read no more of its requests until it
     * drains. One line the first time, not one per pause: a slow reader may pause often.
     */
    private static void pause(Connection connection) {
        if (connection.readPauses() == 0) {
            System.err.println("pausing " + connection.peerAddress() + ": " + (HIGH_WATER_MARK >> 10)
                    + " KiB held for it; reading again below " + (LOW_WATER_MARK >> 10) + " KiB");
        }
        connection.stopReading();
    }

    /** What --work-delay-ms asks for: work that takes {@code millis} per message. */
    static Work delay(int millis) {
        return millis == 0 ? message -> { } : message -> Thread.sleep(millis);
    }

    /** On the IO thread: add the message to this connection's next batch of work, or do it here. */
    private void onMessage(Connection connection, Message message) throws IOException {
        if (workers == null) {
            reply(connection, message); // the view itself: echoed from where it lies, no copy
            return;
        }
        ClientWork client = (ClientWork) connection.context();
        if (client == null) { // the first message of this connection
            client = new ClientWork(new SerialExecutor(workers));
            connection.setContext(client);
        }
        client.batch.add(message.copy()); // the view ends with this callback: the worker gets a copy
        client.batchBytes += Buffer.HEADER_BYTES + message.length();
        if (client.batch.size() == MAX_BATCH) {
            handOver(connection, client);
        }
    }

    /** On the IO thread, after the messages of one read: they go to the workers as one task. */
    private void onReadComplete(Connection connection) {
        ClientWork client = (ClientWork) connection.context();
        if (client != null && !client.batch.isEmpty()) {
            handOver(connection, client);
        }
    }

    private void handOver(Connection connection, ClientWork client) {
        List<Message> batch = client.batch;
        int bytes = client.batchBytes;
        client.batch = new ArrayList<>();
        client.batchBytes = 0;
        connection.startWork(bytes); // held for the client until the replies are sent
        peakBytesInWork.accumulateAndGet(bytesInWork.addAndGet(bytes), Math::max);
        requestsInWork.add(batch.size());
        List<Runnable> turns = roundTurns.get();
        boolean firstOfRound = turns.isEmpty();
        client.tasks.execute(() -> answer(connection, batch, bytes), turns);
        if (firstOfRound && !turns.isEmpty()) {
            connection.loop().queueInLoop(() -> submitRound(turns)); // runs after this round's events
        }
    }

    /**
     * On the IO thread, after the events of a round: the turns it started go to the pool in one
     * go. Submitted one by one, each would take the pool's lock and maybe wake a worker, which on
     * a busy core takes the CPU from the IO thread in the middle of its round.
     */
    private void submitRound(List<Runnable> turns) {
        List<Runnable> due = List.copyOf(turns);
        turns.clear();
        try {
            workers.submitAll(due);
        } catch (RejectedExecutionException e) {
            // Stopped: the shutdown has run out of time, and counts these requests as dropped.
        }
    }

    /** The client has finished sending: close once the replies to what it sent are out. */
    private void onEndOfStream(Connection connection) {
        ClientWork client = (ClientWork) connection.context();
        if (client == null) {
            connection.closeWhenFlushed(); // no message of it ever went to a worker
        } else {
            client.tasks.execute(connection::closeWhenFlushed); // behind its pending replies, in order
        }
    }

    private void reply(Connection connection, Message message) {
        try {
            work.perform(message);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        connection.send(message);
    }

    /** On a worker: the work of each message in the batch, then all the replies in one go. */
    private void answer(Connection connection, List<Message> batch, int bytes) {
        List<Message> replies = new ArrayList<>(batch.size());
        try {
            for (Message message : batch) {
                work.perform(message);
                replies.add(message);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopping: the replies done so far still go out
        } finally {
            bytesInWork.addAndGet(-bytes); // first: once the loop has the replies, it may take in more work
            requestsInWork.add(-batch.size());
            // From a worker thread: the connection hands the replies to its IO loop, and if the
            // client is gone by now it drops them.
            connection.sendReplies(replies, bytes);
        }
    }

    /**
     * Shutdown's second step, called by TcpServer.close() once no new request comes in: let the
     * workers finish what they have, by the deadline. Returns how many requests were dropped.
     */
    private long finishRequests(long deadlineNanos) {
        if (workers == null || workers.awaitIdle(deadlineNanos)) {
            return 0; // with no workers, the IO threads answered each request as it came
        }
        workers.stopNow(); // out of time: drop the queue, interrupt the work in hand
        return requestsInWork.sum();
    }

    /** Close clients that send and receive nothing for this long; zero (the default) never does. */
    void setIdleTimeout(Duration idleTimeout) {
        server.setIdleTimeout(idleTimeout);
    }

    InetAddress address() {
        return server.address();
    }

    /** How long close() may take before it gives up on what is left; 10 s unless set. */
    void setShutdownTimeout(Duration shutdownTimeout) {
        server.setShutdownTimeout(shutdownTimeout);
    }

    /** Serves in the calling thread until stop() or close(); then the workers end too. */
    void start() throws IOException {
        try {
            server.start();
        } finally {
            if (workers != null) {
                workers.stop();
            }
        }
    }

    /** Stops at once: what is queued is dropped. */
    void stop() {
        server.stop();
    }

    /**
     * Graceful shutdown: no new clients, the requests at hand answered, every reply flushed,
     * then closed; see TcpServer.close(). From any thread but the server's own.
     */
    void close() {
        server.close();
        if (workers != null) {
            workers.stop(); // idle by now, or stopped by finishRequests: this only joins the threads
        }
    }

    /** The most bytes of requests that were ever waiting for the workers at once, for tests and monitoring. */
    long peakBytesInWork() {
        return peakBytesInWork.get();
    }

    /** The server underneath, for tests and monitoring. */
    TcpServer server() {
        return server;
    }

    /**
     * What the echo keeps per connection (its context): its queue of work, and the messages of
     * the read at hand, which go to the workers together. IO thread only, but the queue.
     */
    private static final class ClientWork {
        final SerialExecutor tasks;
        List<Message> batch = new ArrayList<>();
        int batchBytes;

        ClientWork(SerialExecutor tasks) {
            this.tasks = tasks;
        }
    }

    /** The business work of one message: a delay to demonstrate with, or a test's hook. */
    @FunctionalInterface
    interface Work {
        void perform(Message message) throws InterruptedException;
    }
}
