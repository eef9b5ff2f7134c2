package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.ServerProcess;
import course.toolkit.TestClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Idle clients are closed, busy ones are not: first on a fake clock, then for real. */
class IdleTimeoutTest {
    private static final byte[] PING = "ping".getBytes(StandardCharsets.UTF_8);
    private static final byte[] QUIET = "quiet".getBytes(StandardCharsets.UTF_8);

    @Test
    void closesTheIdleClientAndKeepsTheBusyOneOnAFakeClock() throws Exception {
        AtomicLong fakeNanos = new AtomicLong();
        TcpServer server = new TcpServer(new InetAddress("127.0.0.1", 0), 1 << 20, 1, fakeNanos::get);
        server.setMessageCallback(Connection::send);
        server.setIdleTimeout(Duration.ofSeconds(60));
        try (LoopThread running = new LoopThread(server);
             TestClient idle = TestClient.connect("127.0.0.1", server.address().port());
             TestClient busy = TestClient.connect("127.0.0.1", server.address().port())) {
            Await.until("both connections", () -> server.connectionCount() == 2);
            assertThat(idle.echoFrame(PING)).isEqualTo(PING); // both active at second 0
            // The loop notes activity just after its write returns, so the idle client may see
            // its echo before the loop has read the clock. Both clients share the one IO loop:
            // once the busy client's echo is back, the idle client's handler has finished.
            assertThat(busy.echoFrame(PING)).isEqualTo(PING);

            fakeNanos.set(seconds(30));
            assertThat(busy.echoFrame(PING)).isEqualTo(PING);
            // Second 61: the busy client's message wakes the loop (a fake clock wakes nobody),
            // and its timers are due: the idle client has been quiet for 61 s, the busy one for 31.
            fakeNanos.set(seconds(61));
            assertThat(busy.echoFrame(PING)).isEqualTo(PING);

            assertThat(idle.awaitEof()).as("the idle client was closed").isTrue();
            assertThat(busy.echoFrame(PING)).as("the busy client was kept").isEqualTo(PING);
            Await.until("one connection left", () -> server.connectionCount() == 1);
        }
    }

    @Test
    void aClientThatOnlySendsIsNotIdleEither() throws Exception {
        AtomicLong fakeNanos = new AtomicLong();
        AtomicInteger quietOnes = new AtomicInteger();
        TcpServer server = new TcpServer(new InetAddress("127.0.0.1", 0), 1 << 20, 1, fakeNanos::get);
        server.setMessageCallback((connection, message) -> {
            if (Arrays.equals(message.toByteArray(), QUIET)) {
                quietOnes.incrementAndGet(); // no reply: only the read counts as activity
            } else {
                connection.send(message);
            }
        });
        server.setIdleTimeout(Duration.ofSeconds(60));
        try (LoopThread running = new LoopThread(server);
             TestClient idle = TestClient.connect("127.0.0.1", server.address().port());
             TestClient sender = TestClient.connect("127.0.0.1", server.address().port());
             TestClient observer = TestClient.connect("127.0.0.1", server.address().port())) {
            Await.until("three connections", () -> server.connectionCount() == 3);
            fakeNanos.set(seconds(30));
            sender.sendFrame(QUIET);
            Await.until("the quiet message read at second 30", () -> quietOnes.get() == 1);
            assertThat(observer.echoFrame(PING)).isEqualTo(PING);

            fakeNanos.set(seconds(61)); // the idle client: 61 s of silence; the sender and the observer: 31
            assertThat(observer.echoFrame(PING)).isEqualTo(PING); // wakes the loop: its timers run after this round
            assertThat(observer.echoFrame(PING)).isEqualTo(PING);

            assertThat(idle.awaitEof()).as("the idle client was closed").isTrue();
            Await.until("the idle one gone", () -> server.connectionCount() == 2);
            sender.sendFrame(QUIET);
            Await.until("the sender still served", () -> quietOnes.get() == 2);
            assertThat(server.connectionCount()).as("the sender was kept").isEqualTo(2);
        }
    }

    @Test
    void theRealServerClosesAClientIdleForLongerThanOneSecond() throws Exception {
        try (ServerProcess server = ServerProcess.startMain(Main.class, "--idle-timeout", "1");
             TestClient idle = server.connect();
             TestClient busy = server.connect()) {
            AtomicBoolean idleClosed = new AtomicBoolean();
            Thread keepBusy = new Thread(() -> {
                try {
                    while (!idleClosed.get()) { // echo back to back until the idle one is gone
                        busy.echoFrame(PING);
                    }
                } catch (Exception e) {
                    throw new AssertionError("the busy client lost its connection", e);
                }
            }, "busy-client");
            keepBusy.start();

            assertThat(idle.awaitEof()).as("closed after about a second of silence").isTrue();
            idleClosed.set(true);
            keepBusy.join(10_000);
            assertThat(busy.echoFrame(PING)).isEqualTo(PING);
            Await.until("the log line", () -> server.stderr().contains("idle for 1 s")); // stderr is read by another thread
        }
    }

    private static long seconds(long seconds) {
        return seconds * 1_000_000_000L;
    }
}
