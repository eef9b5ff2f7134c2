package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Payloads;
import course.toolkit.TestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A client that writes and does not read cannot make the server queue without bound. */
class BackpressureTest {
    private static final InetAddress ANY_FREE_PORT = new InetAddress("127.0.0.1", 0);
    private static final int FRAMES = 4096;
    private static final int BODY = 16 * 1024; // 4096 frames of 16 KiB: 64 MiB in all

    @Test
    void queuedOutputStaysNearTheHighWaterMarkAndEveryByteComesBackOnceTheClientReads() throws Exception {
        // Work on the IO thread (--workers 0): what the server holds is its queued output.
        EchoServer echo = new EchoServer(ANY_FREE_PORT, 1 << 20, 2, 0, EchoServer.delay(0));
        TcpServer server = echo.server();
        try (LoopThread running = new LoopThread(echo);
             TestClient client = TestClient.connect("127.0.0.1", server.address().port())) {
            AtomicReference<IOException> writeFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < FRAMES; i++) {
                        client.sendFrame(Payloads.random(BODY, i));
                    }
                } catch (IOException e) {
                    writeFailure.set(e);
                }
            }, "flooding-client");
            writer.start();

            Connection connection = Await.value("the server's connection",
                    () -> server.connections().stream().findFirst().orElse(null));
            Await.until("queued output to reach the high-water mark",
                    () -> connection.peakHeldBytes() >= EchoServer.HIGH_WATER_MARK);

            for (int i = 0; i < FRAMES; i++) { // now the client reads, and the server resumes
                assertThat(client.receiveFrame()).isEqualTo(Payloads.random(BODY, i));
            }
            writer.join(30_000);
            assertThat(writeFailure.get()).isNull();

            // Once over the mark the server reads no more, so the queue can only exceed it by
            // what one read brought in (at most Buffer.MAX_READ), plus a frame begun before it.
            int bound = EchoServer.HIGH_WATER_MARK + Buffer.MAX_READ + 2 * (BODY + Buffer.HEADER_BYTES);
            assertThat(connection.peakHeldBytes()).isBetween(EchoServer.HIGH_WATER_MARK, bound);
        }
    }

    @Test
    void requestsWaitingForAWorkerCountTooSoASlowWorkerCannotMakeTheServerTakeInEverything() throws Exception {
        // 64 KiB frames that take 5 ms of work each, from a client that does not read: counted
        // only by their replies, the requests would be read in as fast as they arrive.
        int frames = 64;
        int body = 64 * 1024;
        EchoServer echo = new EchoServer(ANY_FREE_PORT, 1 << 20, 1, 2, EchoServer.delay(5));
        TcpServer server = echo.server();
        try (LoopThread running = new LoopThread(echo);
             TestClient client = TestClient.connect("127.0.0.1", server.address().port())) {
            AtomicReference<IOException> writeFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < frames; i++) {
                        client.sendFrame(Payloads.random(body, i));
                    }
                } catch (IOException e) {
                    writeFailure.set(e);
                }
            }, "pipelining-client");
            writer.start();
            Connection connection = Await.value("the server's connection",
                    () -> server.connections().stream().findFirst().orElse(null));
            Await.until("the server to stop reading at the high-water mark",
                    () -> connection.peakHeldBytes() >= EchoServer.HIGH_WATER_MARK && !connection.isReading());

            for (int i = 0; i < frames; i++) { // now the client reads, and the server resumes
                assertThat(client.receiveFrame()).isEqualTo(Payloads.random(body, i));
            }
            writer.join(30_000);
            assertThat(writeFailure.get()).isNull();

            // Over the mark, the server reads no more: beyond it, only what one read completed.
            int bound = EchoServer.HIGH_WATER_MARK + Buffer.MAX_READ + body + Buffer.HEADER_BYTES;
            assertThat(echo.peakBytesInWork()).as("requests waiting for the workers").isLessThanOrEqualTo(bound);
            assertThat(connection.peakHeldBytes()).as("requests in work plus replies queued").isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void aPausedClientIsLoggedOnceHoweverOftenItPauses() throws Exception {
        int frames = 1024; // 16 MiB a round: more than the kernel's buffers can hide
        PrintStream stderr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        EchoServer echo = new EchoServer(ANY_FREE_PORT, 1 << 20, 2, 0, EchoServer.delay(0));
        TcpServer server = echo.server();
        int port;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try (LoopThread running = new LoopThread(echo);
             TestClient client = TestClient.connect("127.0.0.1", server.address().port())) {
            port = client.localPort();
            for (int round = 1; round <= 2; round++) {
                Thread writer = new Thread(() -> {
                    try {
                        for (int i = 0; i < frames; i++) {
                            client.sendFrame(Payloads.random(BODY, i));
                        }
                    } catch (IOException e) {
                        // the assertions below fail if the echo does not come back
                    }
                }, "flooding-client");
                writer.start();
                Connection connection = Await.value("the server's connection",
                        () -> server.connections().stream().findFirst().orElse(null));
                int pauses = round;
                Await.until("pause number " + round, () -> connection.readPauses() >= pauses);
                for (int i = 0; i < frames; i++) {
                    assertThat(client.receiveFrame()).isEqualTo(Payloads.random(BODY, i));
                }
                writer.join(30_000);
            }
        } finally {
            System.setErr(stderr);
        }
        String line = "pausing 127.0.0.1:" + port + ": ";
        assertThat(log.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith(line))).hasSize(1);
    }
}
