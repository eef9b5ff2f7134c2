package course.reactor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The online bank on top of the TcpServer library: each message is one command of BankProtocol,
 * each reply one line. The IO threads only read, frame and write; the commands run on worker
 * threads, because a transfer may wait for an account's lock and for the disk, and an IO thread
 * that waits stalls every client of its loop. A connection's commands run one at a time, in
 * order, so its Session needs no lock.
 */
final class BankServer {
    /** Above this much queued output for a client, stop reading its requests... */
    static final int HIGH_WATER_MARK = 1 << 20;
    /** ...and below this much, read them again. */
    static final int LOW_WATER_MARK = 256 << 10;
    /**
     * Above this many commands of one connection waiting for or on the workers, stop reading its
     * socket. The output's water marks cannot see a client that pipelines commands faster than
     * the disk takes them: its replies trickle out, but its queue of commands would grow without
     * bound. Reading stops within one read round of the mark, and resumes once the workers have
     * caught up to half of it.
     */
    static final int MAX_COMMANDS_IN_WORK = 64;

    private final TcpServer server;
    private final BankProtocol protocol;
    /** Null with --workers 0: the commands then run on the IO thread that read them. */
    private final ThreadPool workers;
    /** Commands handed to the workers and not answered yet: what a shutdown that runs out of time drops. */
    private final LongAdder requestsInWork = new LongAdder();
    /** One callback object for every connection, made once. */
    private final Consumer<Connection> resumeWhenCaughtUp = this::resumeWhenCaughtUp;
    /** Set by close(): from then on the TcpServer decides about reading, and we resume nobody. */
    private volatile boolean closing;

    /** Listens at once (port 0 picks a free port); start() then serves. */
    BankServer(InetAddress address, int maxFrame, int ioThreads, int workerThreads, Ledger ledger) throws IOException {
        this(address, maxFrame, ioThreads, workerThreads, ledger, System::nanoTime);
    }

    /** With the clock the idle timeout runs on: tests pass a fake one and move it by hand. */
    BankServer(InetAddress address, int maxFrame, int ioThreads, int workerThreads, Ledger ledger, LongSupplier clock)
            throws IOException {
        server = new TcpServer(address, maxFrame, ioThreads, clock);
        server.setMessageCallback(this::onMessage);
        server.setEndOfStreamCallback(this::onEndOfStream);
        // A client that sends but does not read cannot make us queue its replies without bound.
        server.setHighWaterMarkCallback(Connection::stopReading, HIGH_WATER_MARK);
        server.setLowWaterMarkCallback(Connection::startReading, LOW_WATER_MARK);
        this.protocol = new BankProtocol(ledger);
        this.workers = workerThreads == 0 ? null : new ThreadPool("worker", workerThreads);
        server.setRequestDrain(this::finishRequests);
    }

    /** On the IO thread: hand the command to this connection's queue of work, or do it here. */
    private void onMessage(Connection connection, byte[] message) {
        Client client = (Client) connection.context();
        if (client == null) { // the first message of this connection
            client = new Client(new Session(connection.peerAddress().toString()),
                    workers == null ? null : new SerialExecutor(workers));
            connection.setContext(client);
            connection.setWriteCompleteCallback(resumeWhenCaughtUp);
        }
        int inWork = client.inWork.incrementAndGet();
        if (client.commands == null) {
            answer(connection, client, message);
            return;
        }
        requestsInWork.increment();
        if (inWork >= MAX_COMMANDS_IN_WORK && connection.isReading()) {
            connection.stopReading();
            client.pausedForWork = true;
        }
        Client queuedFor = client;
        client.commands.execute(() -> {
            try {
                answer(connection, queuedFor, message);
            } finally {
                requestsInWork.decrement();
            }
        });
    }

    /**
     * On the IO thread, each time a connection's replies are all written: if we stopped reading
     * it for having too many commands in work and the workers have caught up, read again. Every
     * command's reply comes through here, so the last one to finish cannot be missed.
     */
    private void resumeWhenCaughtUp(Connection connection) {
        Client client = (Client) connection.context();
        if (client.pausedForWork && client.inWork.get() <= MAX_COMMANDS_IN_WORK / 2 && !closing) {
            client.pausedForWork = false;
            connection.startReading();
        }
    }

    /** The client has finished sending: close once the replies to what it sent are out. */
    private void onEndOfStream(Connection connection) {
        Client client = (Client) connection.context();
        if (client == null || client.commands == null) {
            connection.closeWhenFlushed(); // nothing of it is waiting on a worker
        } else {
            client.commands.execute(connection::closeWhenFlushed); // behind its pending replies, in order
        }
    }

    private void answer(Connection connection, Client client, byte[] command) {
        Session session = client.session;
        // Nothing for a command sent after LOGOUT: the connection is closing.
        String reply = session.isOver() ? null : protocol.handle(session, command);
        // Counted down before the reply goes: when the loop has written it, it sees the new count.
        client.inWork.decrementAndGet();
        if (reply == null) {
            return;
        }
        // From a worker thread: the connection hands the reply to its IO loop, and if the
        // client is gone by now it drops the reply.
        connection.send(reply.getBytes(StandardCharsets.UTF_8));
        if (session.isOver()) {
            connection.closeWhenFlushed(); // queued behind the reply on the same loop: "OK bye" goes out first
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
     * Graceful shutdown: no new clients, the commands at hand answered, every reply flushed,
     * then closed; see TcpServer.close(). From any thread but the server's own.
     */
    void close() {
        closing = true;
        server.close();
        if (workers != null) {
            workers.stop(); // idle by now, or stopped by finishRequests: this only joins the threads
        }
    }

    /** Commands read and not answered yet, over all connections; for tests and monitoring. */
    long requestsInWork() {
        return requestsInWork.sum();
    }

    /** The server underneath, for tests and monitoring. */
    TcpServer server() {
        return server;
    }

    /** What the bank keeps per connection (its context). */
    private static final class Client {
        final Session session;
        /** Its queue of commands on the workers; null with --workers 0. */
        final SerialExecutor commands;
        /** Commands read and not answered yet: the IO thread counts up, the workers down. */
        final AtomicInteger inWork = new AtomicInteger();
        /** IO thread only: we stopped reading it for having MAX_COMMANDS_IN_WORK in work. */
        boolean pausedForWork;

        Client(Session session, SerialExecutor commands) {
            this.session = session;
            this.commands = commands;
        }
    }
}
