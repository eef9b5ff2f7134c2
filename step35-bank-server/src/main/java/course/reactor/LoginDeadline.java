package course.reactor;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Closes each connection that has not logged in within the login timeout, whatever the idle
 * timeout says: a stranger who never logs in holds a descriptor and two buffers for nothing,
 * and one who sends a heartbeat now and then would otherwise hold them for ever.
 *
 * <p>The TcpServer does not tell the bank when a client connects (its first message is the
 * first the bank hears of it), so a thread of its own looks at the server's connections a few
 * times per timeout. A connection's time runs from the first look that sees it: it is closed
 * between one timeout and one timeout plus a look after it connected.
 */
final class LoginDeadline {
    /** What a connection's deadline becomes once it has logged in, or been closed by us. */
    private static final long NEVER = Long.MAX_VALUE;
    private static final long MIN_LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final TcpServer server;
    private final LongSupplier clock;
    private final Duration timeout;
    /** Each connection seen so far, and its deadline on the clock; NEVER once logged in. */
    private final Map<Connection, Long> deadlines = new ConcurrentHashMap<>();
    private final ScheduledExecutorService looker;

    /** Starts looking at once; close() stops. */
    LoginDeadline(TcpServer server, Duration timeout, LongSupplier clock) {
        this.server = server;
        this.timeout = timeout;
        this.clock = clock;
        long every = Math.max(MIN_LOOK_NANOS, Math.min(MAX_LOOK_NANOS, timeout.toNanos() / 4));
        looker = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "login-deadline"));
        looker.scheduleWithFixedDelay(this::look, every, every, TimeUnit.NANOSECONDS);
    }

    /** From any thread, once: this connection stays as long as the idle timeout lets it. */
    void loggedIn(Connection connection) {
        deadlines.put(connection, NEVER);
    }

    /** Connections seen and still waiting for their login, for tests and monitoring. */
    long waiting() {
        return deadlines.entrySet().stream().filter(entry -> entry.getValue() != NEVER && !entry.getKey().isClosed())
                .count();
    }

    private void look() {
        long now = clock.getAsLong();
        deadlines.keySet().removeIf(Connection::isClosed);
        for (Connection connection : server.connections()) {
            long deadline = deadlines.computeIfAbsent(connection, seen -> now + timeout.toNanos());
            if (deadline != NEVER && now - deadline >= 0 && !connection.isClosed()) {
                System.err.println("closing " + connection.peerAddress() + ": not logged in within " + describe(timeout));
                deadlines.put(connection, NEVER);
                connection.forceClose(); // handed to its IO loop
            }
        }
    }

    private static String describe(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /** Stops looking and waits for the thread to end. */
    void close() {
        looker.shutdownNow();
        boolean interrupted = false;
        while (true) {
            try {
                if (looker.awaitTermination(10, TimeUnit.SECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
