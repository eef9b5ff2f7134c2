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
    private static final int FRAMES = 4096;
    private static final int BODY = 16 * 1024; // 4096 frames of 16 KiB: 64 MiB in all

    @Test
    void queuedOutputStaysNearTheHighWaterMarkAndEveryByteComesBackOnceTheClientReads() throws Exception {
        TcpServer server = new EchoServer(new InetAddress("127.0.0.1", 0), 1 << 20).server();
        try (LoopThread running = new LoopThread(server);
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
                    () -> connection.peakOutputBytes() >= EchoServer.HIGH_WATER_MARK);

            for (int i = 0; i < FRAMES; i++) { // now the client reads, and the server resumes
                assertThat(client.receiveFrame()).isEqualTo(Payloads.random(BODY, i));
            }
            writer.join(30_000);
            assertThat(writeFailure.get()).isNull();

            // Once over the mark the server reads no more, so the queue can only exceed it by
            // what one read brought in: at most one read buffer of bytes, plus a frame begun before it.
            int bound = EchoServer.HIGH_WATER_MARK + EventLoop.READ_BUFFER_BYTES + 2 * (BODY + Buffer.HEADER_BYTES);
            assertThat(connection.peakOutputBytes()).isBetween(EchoServer.HIGH_WATER_MARK, bound);
        }
    }

    @Test
    void aPausedClientIsLoggedOnceHoweverOftenItPauses() throws Exception {
        int frames = 1024; // 16 MiB a round: more than the kernel's buffers can hide
        PrintStream stderr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TcpServer server = new EchoServer(new InetAddress("127.0.0.1", 0), 1 << 20).server();
        int port;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try (LoopThread running = new LoopThread(server);
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
