package course.reactor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The online bank on top of the TcpServer library: each message is one command of BankProtocol,
 * each reply one line. The IO threads only read, frame and write (and answer HEARTBEAT, which
 * needs nothing else); the commands run on worker threads, because a login hashes for a tenth
 * of a second or more, and a transfer may wait for an account's lock, and an IO thread that
 * waits stalls every client of its loop. A connection's commands run one at a time,
 * in order, so its Session needs no lock.
 */
final class BankServer {
    /** A command line is short: a LOGIN with a long password is a few hundred bytes. */
    static final int DEFAULT_MAX_FRAME = 1024;
    static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    static final Duration DEFAULT_LOGIN_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Above this much held for a client, stop reading it: its commands waiting for or on the
     * workers count (lesson 26), as its replies not yet written do. A client that pipelines
     * commands faster than the disk takes them is read only this far ahead; 16 KiB is hundreds
     * of commands, plenty to keep a worker busy...
     */
    static final int HIGH_WATER_MARK = 16 << 10;
    /** ...and at or below this much, read it again. */
    static final int LOW_WATER_MARK = 4 << 10;
    /** The context of a connection refused for being one too many: nothing it sends is answered. */
    private static final Object REFUSED = new Object();

    private final TcpServer server;
    private final BankProtocol protocol;
    private final ThreadPool workers;
    /** Where the ledger's decisions go: replies that read the ledger wait for it. */
    private final Ledger.Recorder journal;
    private final LongSupplier clock;
    /** Commands handed to the workers and not answered yet: what a shutdown that runs out of time drops. */
    private final LongAdder requestsInWork = new LongAdder();
    private final LongAdder refusedConnections = new LongAdder();
    /**
     * The turns an IO thread has started in the round of its loop at hand, one list per IO thread
     * (commands are handed over only there): they go to the pool together at the end of the round.
     */
    private final ThreadLocal<List<Runnable>> roundTurns = ThreadLocal.withInitial(ArrayList::new);
    private volatile int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private volatile Duration loginTimeout = DEFAULT_LOGIN_TIMEOUT;
    /** Made by start(): every worker that runs a command runs after it. */
    private volatile LoginDeadline loginDeadline;
    /** Set by close(): from then on heartbeats queue behind the rest, like any command. */
    private volatile boolean closing;

    /** Listens at once (port 0 picks a free port); start() then serves. */
    BankServer(InetAddress address, int maxFrame, int ioThreads, int workerThreads, Ledger ledger) throws IOException {
        this(address, maxFrame, ioThreads, workerThreads, ledger, System::nanoTime);
    }

    /** With the clock the timeouts and the login throttle run on: tests pass a fake one and move it by hand. */
    BankServer(InetAddress address, int maxFrame, int ioThreads, int workerThreads, Ledger ledger, LongSupplier clock)
            throws IOException {
        if (workerThreads < 1) {
            throw new IllegalArgumentException("the bank needs a worker: a login's hash never runs on an IO thread");
        }
        this.clock = clock;
        server = new TcpServer(address, maxFrame, ioThreads, clock);
        server.setMessageCallback(this::onMessage);
        server.setEndOfStreamCallback(this::onEndOfStream);
        // A client that pipelines or does not read cannot make us hold its commands or replies without bound.
        server.setHighWaterMarkCallback(BankServer::pause, HIGH_WATER_MARK);
        server.setLowWaterMarkCallback(Connection::startReading, LOW_WATER_MARK);
        this.protocol = new BankProtocol(ledger, new LoginThrottle(clock));
        this.journal = ledger.recorder();
        this.workers = new ThreadPool("worker", workerThreads);
        server.setRequestDrain(this::finishRequests);
    }

    /** On the IO thread: hand the command to this connection's queue of work, or answer a heartbeat here. */
    private void onMessage(Connection connection, Message message) {
        String command = BankProtocol.decode(message.toByteArray()); // the text, a copy, is what the worker gets
        Object context = connection.context();
        if (context == REFUSED) {
            return; // its refusal is on the way, and then the connection closes
        }
        Client client = (Client) context;
        if (client == null) { // the first message of this connection
            if (server.connectionCount() > maxConnections) {
                refuse(connection);
                return;
            }
            client = new Client(new Session(connection.peerAddress().toString()), new SerialExecutor(workers));
            connection.setContext(client);
        }
        if (connection.bytesInWork() == 0 && !closing && BankProtocol.isHeartbeat(command)) {
            // No command of this client is in work or its reply on the way back to this loop:
            // answered now, the heartbeat keeps its place.
            reply(connection, client.session, command);
            return;
        }
        int bytes = Buffer.HEADER_BYTES + message.length();
        connection.startWork(bytes); // held for the client, against the water marks, until answered
        requestsInWork.increment();
        journal.commandInWork();
        Client queuedFor = client;
        List<Runnable> turns = roundTurns.get();
        boolean firstOfRound = turns.isEmpty();
        client.commands.execute(() -> answer(connection, queuedFor, command, bytes), turns);
        if (firstOfRound && !turns.isEmpty()) {
            connection.loop().queueInLoop(() -> submitRound(turns)); // runs after this round's events
        }
    }

    /** On the IO thread, after the events of a round: the turns it started go to the pool in one go (lesson 33). */
    private void submitRound(List<Runnable> turns) {
        List<Runnable> due = List.copyOf(turns);
        turns.clear();
        try {
            workers.submitAll(due);
        } catch (RejectedExecutionException e) {
            // Stopped: the shutdown has run out of time, and counts these commands as dropped.
        }
    }

    /** One connection too many: one line saying so, then closed. */
    private void refuse(Connection connection) {
        refusedConnections.increment();
        connection.setContext(REFUSED);
        connection.send(("ERR BUSY the bank serves at most " + maxConnections + " connections; try again later")
                .getBytes(StandardCharsets.UTF_8));
        connection.closeWhenFlushed();
    }

    /**
     * Backpressure: too much held for this client (commands in work, replies queued); read no
     * more of it until that drains. One line the first time, not one per pause.
     */
    private static void pause(Connection connection) {
        if (connection.readPauses() == 0) {
            System.err.println("pausing " + connection.peerAddress() + ": " + (HIGH_WATER_MARK >> 10)
                    + " KiB held for it; reading again below " + (LOW_WATER_MARK >> 10) + " KiB");
        }
        connection.stopReading();
    }

    /** The client has finished sending: close once the replies to what it sent are out. */
    private void onEndOfStream(Connection connection) {
        if (connection.context() instanceof Client client) {
            // Behind its replies in work, and behind those waiting for the disk, in order.
            client.commands.execute(() -> journal.whenDurable(client.session.seen(), lost -> connection.closeWhenFlushed()));
        } else {
            connection.closeWhenFlushed(); // nothing of it is waiting on a worker
        }
    }

    /**
     * On a worker: the command, then its reply, which also ends the command's time in work. A
     * reply that read the ledger leaves only once every decision it may have seen is on disk, so
     * no client hears of money a crash would take back. The worker does not wait for that: the
     * journal thread sends the reply after its force, and the worker takes the next command.
     */
    private void answer(Connection connection, Client client, String command, int bytes) {
        Session session = client.session;
        String reply;
        try {
            // Nothing for a command sent after LOGOUT, or after a limit closed the session.
            reply = session.isOver() ? null : protocol.handle(session, command);
        } catch (RuntimeException | Error e) {
            requestsInWork.decrement();
            throw e;
        } finally {
            journal.commandDone();
        }
        if (!client.loggedIn && session.isLoggedIn()) {
            client.loggedIn = true;
            loginDeadline.loggedIn(connection);
        }
        boolean last = reply != null && session.isOver();
        journal.whenDurable(session.seen(), lost ->
                deliver(connection, lost == null || reply == null ? reply : Ledger.unavailable(lost).reply(), last, bytes));
    }

    /** On a worker, or on the journal thread once the disk has what the reply says. */
    private void deliver(Connection connection, String reply, boolean last, int bytes) {
        requestsInWork.decrement(); // answered: before the client can read it
        // The connection hands the reply to its IO loop's task queue (and drops it if the client
        // is gone by then); there the command stops counting as held.
        connection.sendReplies(reply == null ? List.of() : List.of(Message.of(reply.getBytes(StandardCharsets.UTF_8))), bytes);
        if (last) {
            connection.closeWhenFlushed(); // queued behind the reply on the same loop: "OK bye" goes out first
        }
    }

    /** On the IO thread: a command that needs no worker, answered at once. */
    private void reply(Connection connection, Session session, String command) {
        send(connection, session, session.isOver() ? null : protocol.handle(session, command));
    }

    private static void send(Connection connection, Session session, String reply) {
        if (reply == null) {
            return;
        }
        connection.send(reply.getBytes(StandardCharsets.UTF_8)); // on the IO thread: queued for writing at once
        if (session.isOver()) {
            connection.closeWhenFlushed(); // queued behind the reply on the same loop: "OK bye" goes out first
        }
    }

    /**
     * Shutdown's second step, called by TcpServer.close() once no new request comes in: let the
     * workers finish what they have, by the deadline. Returns how many requests were dropped.
     */
    private long finishRequests(long deadlineNanos) {
        if (workers.awaitIdle(deadlineNanos) && journal.awaitDurable(deadlineNanos)) {
            return 0; // idle workers start no more waits for the disk, and the journal has told the last
        }
        workers.stopNow(); // out of time: drop the queue, interrupt the work in hand
        return requestsInWork.sum();
    }

    /** Close clients that send and receive nothing for this long; zero (the default) never does. */
    void setIdleTimeout(Duration idleTimeout) {
        server.setIdleTimeout(idleTimeout);
    }

    /** Close connections that have not logged in this long after they connected (30 s unless set); before start(). */
    void setLoginTimeout(Duration loginTimeout) {
        if (loginTimeout.isNegative() || loginTimeout.isZero()) {
            throw new IllegalArgumentException("a login timeout is longer than zero");
        }
        this.loginTimeout = loginTimeout;
    }

    /** Refuse the first command of a connection beyond this many (10,000 unless set). */
    void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
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
        loginDeadline = new LoginDeadline(server, loginTimeout, clock);
        try {
            server.start();
        } finally {
            loginDeadline.close();
            workers.stop();
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
        workers.stop(); // idle by now, or stopped by finishRequests: this only joins the threads
    }

    /** Commands read and not answered yet, over all connections; for tests and monitoring. */
    long requestsInWork() {
        return requestsInWork.sum();
    }

    /** Connections refused for being over the limit, since the start; for tests and monitoring. */
    long refusedConnections() {
        return refusedConnections.sum();
    }

    /** Connections not logged in yet that the login deadline watches; for tests and monitoring. */
    long waitingForLogin() {
        LoginDeadline deadline = loginDeadline;
        return deadline == null ? 0 : deadline.waiting();
    }

    /** The server underneath, for tests and monitoring. */
    TcpServer server() {
        return server;
    }

    /** What the bank keeps per connection (its context). */
    private static final class Client {
        final Session session;
        /** Its queue of commands on the workers. */
        final SerialExecutor commands;
        /** Whoever runs the session's commands: the login deadline has been told. */
        boolean loggedIn;

        Client(Session session, SerialExecutor commands) {
            this.session = session;
            this.commands = commands;
        }
    }
}
