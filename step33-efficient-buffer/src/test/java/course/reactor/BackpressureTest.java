package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Payloads;
import course.toolkit.TestClient;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A client that writes and does not read cannot make the server queue without bound. */
class BackpressureTest {
    private static final int FRAMES = 4096;
    private static final int BODY = 16 * 1024; // 4096 frames of 16 KiB: 64 MiB in all

    @Test
    void queuedOutputStaysNearTheHighWaterMarkAndEveryByteComesBackOnceTheClientReads() throws Exception {
        // Work on the IO thread (--workers 0): with workers, the messages waiting in their queue
        // would be memory too, which the output's water marks do not count.
        EchoServer echo = new EchoServer(new InetAddress("127.0.0.1", 0), 1 << 20, 2, 0, EchoServer.delay(0));
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
                    () -> connection.peakOutputBytes() >= EchoServer.HIGH_WATER_MARK);

            for (int i = 0; i < FRAMES; i++) { // now the client reads, and the server resumes
                assertThat(client.receiveFrame()).isEqualTo(Payloads.random(BODY, i));
            }
            writer.join(30_000);
            assertThat(writeFailure.get()).isNull();

            // Once over the mark the server reads no more, so the queue can only exceed it by
            // what one read brought in (at most twice the loop's spare buffer), plus a frame
            // begun before it.
            int bound = EchoServer.HIGH_WATER_MARK + 2 * EventLoop.READ_BUFFER_BYTES + 2 * (BODY + Buffer.HEADER_BYTES);
            assertThat(connection.peakOutputBytes()).isBetween(EchoServer.HIGH_WATER_MARK, bound);
        }
    }
}
